package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.StoredEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompensationTest {

    private static Effect effect(String target, String message) {
        return new Effect(target, EventJson.readObject(message));
    }

    private static StoredEvent storedWith(Effect... sent) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("acc-1");
        e.setEventId("e-4");
        e.setVersion(4);
        e.setEffects(OutboxEntry.toStoredJson(OutboxEntry.of("acc-1", "e-4", 4, List.of(sent))));
        return e;
    }

    private static List<OutboxEntry> decided(Effect... now) {
        return OutboxEntry.of("acc-1", "e-4", 4, List.of(now));
    }

    @Test
    void theSameEffectsInAnotherOrderOweNothing() {
        StoredEvent stored = storedWith(effect("a", "{\"x\":1}"), effect("b", "{\"y\":2}"));

        assertThat(Compensation.between(stored, decided(effect("b", "{\"y\":2}"), effect("a", "{\"x\":1}")))).isEmpty();
    }

    @Test
    void anEffectTheFixAddsIsOwedAsItIsAndOneItTakesBackAsAWithdrawalNamingIt() {
        StoredEvent stored = storedWith(effect("notifications", "{\"amount\":6000}"));
        OutboxEntry sentThen = OutboxEntry.fromStoredJson(stored.getEffects(), "acc-1", "e-4", 4).get(0);

        List<Compensation> owed = Compensation.between(stored, decided(effect("ledger", "{\"amount\":6000}")));

        assertThat(owed).extracting(Compensation::kind).containsExactly(Compensation.Kind.ADDED, Compensation.Kind.WITHDRAWN);
        assertThat(EventJson.readObject(owed.get(0).entry().message())).isEqualTo(EventJson.readObject("{\"amount\":6000}"));
        assertThat(owed.get(0).entry().target()).isEqualTo("ledger");
        assertThat(EventJson.readObject(owed.get(1).entry().message())).isEqualTo(EventJson.readObject(
                "{\"compensation\":\"withdrawn\",\"withdrawnKey\":\"" + sentThen.key() + "\",\"withdrawnMessage\":{\"amount\":6000}}"));
        assertThat(owed.get(1).entry().target()).isEqualTo("notifications");
    }

    @Test
    void aCompensationsKeyIsItsOwnAndTheSameWheneverTheFixIsPreviewed() {
        StoredEvent stored = storedWith();
        Compensation once = Compensation.between(stored, decided(effect("notifications", "{\"amount\":8000}"))).get(0);
        Compensation again = Compensation.between(stored, decided(effect("notifications", "{\"amount\":8000}"))).get(0);

        assertThat(once.entry().key()).isEqualTo(again.entry().key())
                .isNotEqualTo(OutboxEntry.key("acc-1", "e-4", "0"));
    }

    @Test
    void compensationsSurviveTheirJson() {
        List<Compensation> owed = Compensation.between(storedWith(effect("a", "{\"x\":1}")),
                decided(effect("a", "{\"x\":2}")));

        List<Compensation> back = Compensation.fromJson(Compensation.toJson(owed), "acc-1");

        assertThat(back).extracting(Compensation::kind).containsExactly(Compensation.Kind.ADDED, Compensation.Kind.WITHDRAWN);
        assertThat(back).extracting(Compensation::entry).isEqualTo(owed.stream().map(Compensation::entry)
                .collect(java.util.stream.Collectors.toList()));
        assertThat(Compensation.toJson(List.of())).isNull();
    }
}
