package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.Violation;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReversalsTest {

    private static EventEnvelope envelope(String type, String data, Long expectedVersion) {
        EventEnvelope e = new EventEnvelope();
        e.setEventId("r1");
        e.setAggregateId("a");
        e.setAggregateType("generic");
        e.setType(type);
        e.setData(data);
        e.setExpectedVersion(expectedVersion);
        return e;
    }

    private static List<String> fields(List<Violation> violations) {
        return violations.stream().map(Violation::field).collect(Collectors.toList());
    }

    @Test
    void onlyTypesUnderTheReservedPrefixAreReserved() {
        assertThat(Reversals.isReserved(Reversals.REVERSAL)).isTrue();
        assertThat(Reversals.isReserved("backbone.Anything")).isTrue();
        assertThat(Reversals.isReserved("Reversal")).isFalse();
        assertThat(Reversals.isReserved("backboneReversal")).isFalse();
    }

    @Test
    void aWellFormedReversalAndReversionHaveNoViolationsNorHasAnyOtherType() {
        assertThat(Reversals.violations(envelope(Reversals.REVERSAL, "{\"reversedVersion\":2,\"reversedEventId\":\"e2\","
                + "\"reversedType\":\"Set\",\"reason\":\"typo\",\"actor\":\"ada\",\"effect\":{\"undo\":{}}}", 3L))).isEmpty();
        assertThat(Reversals.violations(envelope(Reversals.REVERSION, "{\"toVersion\":1,\"toEventId\":\"e1\","
                + "\"reason\":\"typo\",\"state\":{}}", 3L))).isEmpty();
        assertThat(Reversals.violations(envelope("Set", "{}", null))).isEmpty();
    }

    @Test
    void aReversalWithoutExpectedVersionOrWithBadDataNamesEveryField() {
        assertThat(fields(Reversals.violations(envelope(Reversals.REVERSAL, "{\"reversedVersion\":0,\"reason\":\" \","
                + "\"actor\":\"" + "x".repeat(Reversals.MAX_ACTOR_LENGTH + 1) + "\",\"effect\":[]}", null))))
                .containsExactly("expectedVersion", "data.reversedVersion", "data.reversedEventId", "data.reason",
                        "data.actor", "data.effect");
    }

    @Test
    void aReversionPastItsExpectedVersionOrWithoutAStateIsRefused() {
        assertThat(fields(Reversals.violations(envelope(Reversals.REVERSION, "{\"toVersion\":4,\"toEventId\":\"e4\","
                + "\"reason\":\"r\",\"state\":\"x\"}", 3L)))).containsExactly("data.toVersion", "data.state");
    }

    @Test
    void theMetadataNamesTheActorAndTheEventActedOn() {
        assertThat(Reversals.metadata(io.eventbackbone.event.EventJson.readObject(
                "{\"reversedEventId\":\"e2\",\"actor\":\"ada\"}")).toString())
                .isEqualTo("{\"actor\":\"ada\",\"causationId\":\"e2\"}");
        assertThat(Reversals.metadata(io.eventbackbone.event.EventJson.readObject("{\"toEventId\":\"e1\"}")).toString())
                .isEqualTo("{\"causationId\":\"e1\"}");
    }
}
