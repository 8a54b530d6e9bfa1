package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AsOfTest {


    private static AsOf.Result asOf(MemoryEventLog log, Histories h, long version) {
        return new AsOf(log, Histories.LOGICS).version(h.projection().getAggregateId(), h.projection(), version);
    }

    @Test
    void aStateAsOfAVersionNearTheEndWalksBackReadingTheEventsAfterItAndItself() {
        Histories h = Histories.generic("g-back", 60, 1, false);
        for (long n = 31; n <= 59; n++) {
            MemoryEventLog log = new MemoryEventLog().add(h);
            AsOf.Result result = asOf(log, h, n);
            assertThat(result.walk).isEqualTo(AsOf.Walk.BACKWARD);
            assertThat(result.state).isEqualTo(h.at(n));
            assertThat(log.readCount().eventItems()).isEqualTo(60 - n + 1);
        }
    }

    @Test
    void aStateAsOfAVersionNearTheStartFoldsForwardReadingOnlyTheEventsUpToIt() {
        Histories h = Histories.generic("g-forward", 60, 2, true);
        for (long n = 1; n <= 30; n++) {
            MemoryEventLog log = new MemoryEventLog().add(h);
            AsOf.Result result = asOf(log, h, n);
            assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD);
            assertThat(result.backwardRefused).isNull();
            assertThat(result.state).isEqualTo(h.at(n));
            assertThat(log.readCount().eventItems()).isEqualTo(n);
        }
    }

    @Test
    void everyVersionOfAHistoryWithRemovalsEqualsTheFoldAndReadsTheShorterWay() {
        Histories h = Histories.generic("g-removals", 120, 3, true);
        assertThat(h.events.stream().anyMatch(e -> e.getData().contains("null"))).as("the history removes members")
                .isTrue();
        for (long n = 1; n < 120; n++) {
            MemoryEventLog log = new MemoryEventLog().add(h);
            AsOf.Result result = asOf(log, h, n);
            assertThat(result.state.getState()).as("state as of %d", n).isEqualTo(h.at(n).getState());
            assertThat(result.state).isEqualTo(h.at(n));
            assertThat(result.backwardRefused).isNull();
            assertThat(log.readCount().eventItems()).as("events read for version %d", n)
                    .isEqualTo(Math.min(n, 120 - n + 1));
        }
    }

    @Test
    void aMemberRemovedAndSetAgainComesBackInNameOrderBothWays() {
        Histories h = new Histories("g-order", "generic");
        h.append("e1", "Set", "{\"b\":2,\"a\":1,\"c\":{\"z\":1,\"y\":2}}", null, Histories.START_MILLIS);
        h.append("e2", "Unset", "{\"a\":null,\"c\":{\"y\":null}}", null, Histories.START_MILLIS + 1);
        for (int i = 3; i <= 10; i++) {
            h.append("e" + i, "Set", "{\"b\":" + i + "}", null, Histories.START_MILLIS + i);
        }
        assertThat(h.at(1).getState()).isEqualTo("{\"a\":1,\"b\":2,\"c\":{\"y\":2,\"z\":1}}");
        MemoryEventLog log = new MemoryEventLog().add(h);
        AsOf.Result result = asOf(log, h, 1);
        assertThat(result.state.getState()).isEqualTo(h.at(1).getState());
        assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD);
        assertThat(log.readCount().eventItems()).isEqualTo(1);
        h.append("e11", "Set", "{\"a\":0}", null, Histories.START_MILLIS + 11);
        log = new MemoryEventLog().add(h);
        result = asOf(log, h, 10);
        assertThat(result.walk).isEqualTo(AsOf.Walk.BACKWARD);
        assertThat(result.state.getState()).isEqualTo(h.at(10).getState());
        assertThat(log.readCount().eventItems()).isEqualTo(2);
    }

    @Test
    void aDecimalRewrittenWithOtherDigitsButTheSameValueWalksBackToTheEarlierDigits() {
        Histories h = new Histories("g-scale", "generic");
        for (int i = 1; i <= 8; i++) {
            h.append("e" + i, "Noted", "{\"note\":" + i + "}", null, Histories.START_MILLIS + i);
        }
        h.append("e9", "Priced", "{\"price\":1.5}", null, Histories.START_MILLIS + 9);
        h.append("e10", "Priced", "{\"price\":1.50}", null, Histories.START_MILLIS + 10);
        h.append("e11", "Priced", "{\"price\":1.50}", null, Histories.START_MILLIS + 11);
        assertThat(h.events.get(9).getUndo()).as("the undo keeps the digits it replaced").isEqualTo("{\"price\":1.5}");
        assertThat(h.events.get(10).getUndo()).as("the same digits again change nothing").isEqualTo("{}");
        MemoryEventLog log = new MemoryEventLog().add(h);
        AsOf.Result result = asOf(log, h, 9);
        assertThat(result.walk).isEqualTo(AsOf.Walk.BACKWARD);
        assertThat(result.state.getState()).isEqualTo("{\"note\":8,\"price\":1.5}");
        assertThat(log.readCount().eventItems()).isEqualTo(3);
    }

    @Test
    void aGenericProjectionWhoseMembersAreNotInNameOrderIsFoldedForwardWithTheReasonSaid() {
        Histories h = Histories.generic("g-legacy", 10, 12, false);
        Projection legacy = new Projection("g-legacy", "generic", 10, "{\"z\":1,\"a\":2}",
                h.projection().getUpdatedAt(), h.projection().getLastEventId(), null);
        MemoryEventLog log = new MemoryEventLog().add(h);
        AsOf.Result result = new AsOf(log, Histories.LOGICS).version("g-legacy", legacy, 9);
        assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD);
        assertThat(result.backwardRefused).contains("not in name order");
        assertThat(result.state).isEqualTo(h.at(9));
    }

    @Test
    void everyVersionOfHistoriesWithReversalsAndAReversionEqualsTheFoldAndOnlyAnAccountsWalkStopsAtTheReversion() {
        Histories generic = new Histories("g-rev", "generic");
        Histories account = new Histories("a-rev", "account");
        account.append("a1", "Opened", "{}", null, Histories.START_MILLIS);
        for (int i = 1; i <= 30; i++) {
            generic.append("g" + i, "Set", "{\"k" + (i % 4) + "\":" + i + ".5,\"n" + i + "\":\"x\"}", null,
                    Histories.START_MILLIS + i);
            account.append("a" + (i + 1), i % 3 == 0 ? "Withdrawn" : "Deposited", "{\"amount\":" + i + ".25}", null,
                    Histories.START_MILLIS + i);
        }
        for (Histories h : java.util.List.of(generic, account)) {
            long t = Histories.START_MILLIS + 100;
            h.reverse(29, t);
            h.revert(20, t + 1);
            h.reverse(h.projection().getVersion(), t + 2);
            for (int i = 0; i < 6; i++) {
                h.append(h.projection().getAggregateId() + "-tail" + i, "Set", "{\"t\":" + i + "}", null, t + 3 + i);
            }
            long last = h.projection().getVersion();
            int crossing = 0;
            for (long n = 1; n <= last; n++) {
                AsOf.Result result = asOf(new MemoryEventLog().add(h), h, n);
                assertThat(result.state.getState()).as("%s as of %d", h.projection().getAggregateId(), n)
                        .isEqualTo(h.at(n).getState());
                assertThat(result.state).isEqualTo(h.at(n));
                if (result.backwardRefused != null && result.backwardRefused.contains("reversion")) {
                    crossing++;
                }
            }
            if (h == account) {
                assertThat(crossing).as("account walks back that met the reversion").isPositive();
            } else {
                assertThat(crossing).as("generic walks back stopped by the reversion").isZero();
            }
            assertThat(asOf(new MemoryEventLog().add(h), h, last - 2).walk).isEqualTo(AsOf.Walk.BACKWARD);
        }
    }

    @Test
    void aPlugInLogicsStatesAreFoldedForwardSinceItsUndoPatchesAreNotKnownToBeExact() {
        DomainLogic counter = new DomainLogic() {
            private static final long serialVersionUID = 1L;

            @Override
            public String aggregateType() {
                return "counter";
            }

            @Override
            public ObjectNode apply(ObjectNode state, DomainEvent event) {
                return state.put("count", state.path("count").asInt() + 1);
            }
        };
        DomainLogics logics = DomainLogics.of(counter);
        Histories h = new Histories("c-1", "counter", logics);
        for (int i = 1; i <= 10; i++) {
            h.append("e" + i, "Counted", "{}", null, Histories.START_MILLIS + i);
        }
        AsOf.Result result = new AsOf(new MemoryEventLog().add(h), logics).version("c-1", h.projection(), 9);
        assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD);
        assertThat(result.backwardRefused).contains("plug-in");
        assertThat(result.state).isEqualTo(h.at(9));
    }

    @Test
    void anAccountWalksBackToEveryVersionPastItsMiddleWithTheFoldsBytesRefusalsIncluded() {
        Histories h = Histories.account("acc-back", 80, 4);
        assertThat(h.projection().getState()).contains("lastRefusal");
        for (long n = 1; n <= 80; n++) {
            AsOf.Result result = asOf(new MemoryEventLog().add(h), h, n);
            assertThat(result.walk).isEqualTo(n == 80 ? AsOf.Walk.NONE
                    : 80 - n + 1 < n ? AsOf.Walk.BACKWARD : AsOf.Walk.FORWARD);
            assertThat(result.backwardRefused).isNull();
            assertThat(result.state).as("as of %d", n).isEqualTo(h.at(n));
        }
    }

    @Test
    void aLogicFailureAfterTheVersionMakesTheStateAFoldThatFindsTheEarlierFailure() {
        Histories h = new Histories("acc-failing", "account");
        h.append("e1", "Opened", "{}", null, Histories.START_MILLIS);
        h.append("e2", "Deposited", "{\"amount\":5}", null, Histories.START_MILLIS + 1);
        h.append("e3", "Deposited", "{\"amount\":6}", null, Histories.START_MILLIS + 2);
        h.append("e4", "Deposited", "{\"amount\":7}", null, Histories.START_MILLIS + 3);
        Projection failed = new Projection("acc-failing", "account", 4, h.projection().getState(),
                h.projection().getUpdatedAt(), "e4", "{\"version\":4,\"eventId\":\"e4\",\"exception\":\"X\"}");
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.projections.put("acc-failing", failed);
        AsOf.Result result = new AsOf(log, Histories.LOGICS).version("acc-failing", failed, 3);
        assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD);
        assertThat(result.backwardRefused).contains("logic failed on version 4");
        assertThat(result.state).isEqualTo(h.at(3));
    }

    @Test
    void aVersionPastAProjectionThatLagsTheLogIsFoldedOnwardFromTheProjection() {
        Histories h = Histories.generic("g-lag", 20, 5, true);
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.projections.put("g-lag", h.at(15));
        AsOf.Result result = new AsOf(log, Histories.LOGICS).version("g-lag", h.at(15), 19);
        assertThat(result.walk).isEqualTo(AsOf.Walk.FORWARD_FROM_PROJECTION);
        assertThat(result.state).isEqualTo(h.at(19));
        assertThat(log.readCount().eventItems()).isEqualTo(4);
    }

    @Test
    void aVersionPastTheEndOfTheLogNamesTheLatestVersion() {
        Histories h = Histories.generic("g-end", 10, 6, false);
        assertThatThrownBy(() -> asOf(new MemoryEventLog().add(h), h, 11))
                .isInstanceOfSatisfying(AsOf.BeyondLog.class, e -> assertThat(e.latest).isEqualTo(10));
    }

    @Test
    void aGapInTheVersionsReadIsAnsweredAsUnsettledRatherThanFoldedOver() {
        Histories h = Histories.generic("g-gap", 10, 7, false);
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.events.get("g-gap").remove(3L);
        assertThatThrownBy(() -> asOf(log, h, 4))
                .isInstanceOfSatisfying(ReadProblem.class,
                        e -> assertThat(e.problem().detail()).contains("version 3"));
    }

    @Test
    void aWalkBackOverAnEventStoredWithoutUndoFoldsForwardInstead() {
        Histories h = Histories.generic("g-no-undo", 10, 8, false);
        MemoryEventLog log = new MemoryEventLog().add(h);
        StoredEvent nine = log.events.get("g-no-undo").get(9L);
        nine.setUndo(null);
        AsOf.Result result = asOf(log, h, 8);
        assertThat(result.backwardRefused).contains("version 9 was stored without undo");
        assertThat(result.state).isEqualTo(h.at(8));
    }

    @Test
    void theVersionAtAnInstantIsTheLastRecordedStrictlyBeforeIt() {
        Histories h = Histories.account("acc-time", 100, 9);
        AsOf asOf = new AsOf(new MemoryEventLog().add(h), Histories.LOGICS);
        for (Projection p : h.projections) {
            long t = p.getUpdatedAt();
            long before = p.getVersion() - 1;
            // Events sharing a millisecond never happen (recordedAt rises by 1 ms at least), so t picks one event.
            assertThat(asOf.versionAt("acc-time", h.projection(), Instant.ofEpochMilli(t))).isEqualTo(before);
            assertThat(asOf.versionAt("acc-time", h.projection(), Instant.ofEpochMilli(t).plusNanos(1)))
                    .isEqualTo(p.getVersion());
            assertThat(asOf.versionAt("acc-time", null, Instant.ofEpochMilli(t).plusNanos(1)))
                    .isEqualTo(p.getVersion());
        }
        assertThat(asOf.versionAt("acc-time", h.projection(), Instant.ofEpochMilli(Histories.START_MILLIS)))
                .isZero();
    }

    @Test
    void theVersionAtAnInstantSearchesByHalvesReadingAboutTheLogarithmOfTheVersions() {
        Histories h = Histories.generic("g-halves", 1000, 10, false);
        MemoryEventLog log = new MemoryEventLog().add(h);
        long v = new AsOf(log, Histories.LOGICS).versionAt("g-halves", h.projection(),
                Instant.ofEpochMilli(h.at(321).getUpdatedAt() + 1));
        assertThat(v).isEqualTo(321);
        assertThat(log.readCount().eventItems()).isLessThanOrEqualTo(11);
    }

    @Test
    void anInstantAfterTheProjectionCountsTheEventsTheLogHoldsBeyondIt() {
        Histories h = Histories.generic("g-after", 12, 11, false);
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.projections.put("g-after", h.at(9));
        AsOf asOf = new AsOf(log, Histories.LOGICS);
        assertThat(asOf.versionAt("g-after", h.at(9), Instant.ofEpochMilli(h.at(11).getUpdatedAt()))).isEqualTo(10);
        assertThat(asOf.versionAt("g-after", h.at(9), Instant.ofEpochMilli(h.at(12).getUpdatedAt() + 5))).isEqualTo(12);
    }

    @Test
    void aMergePatchThatAddsAMemberAtAnyDepthIsFound() {
        assertThat(AsOf.addsMember(EventJson.readObject("{\"a\":1}"), EventJson.readObject("{\"b\":2}")))
                .isTrue();
        assertThat(AsOf.addsMember(EventJson.readObject("{\"a\":{\"x\":1}}"),
                EventJson.readObject("{\"a\":{\"y\":2}}"))).isTrue();
        assertThat(AsOf.addsMember(EventJson.readObject("{\"a\":{\"x\":1},\"b\":3}"),
                EventJson.readObject("{\"a\":{\"x\":null},\"b\":null}"))).isFalse();
        assertThat(AsOf.addsMember(EventJson.readObject("{\"a\":5}"),
                EventJson.readObject("{\"a\":{\"y\":2}}"))).isFalse();
        assertThat(AsOf.addsMember(EventJson.readObject("{\"a\":{\"x\":1}}"),
                EventJson.readObject("{\"a\":{\"x\":2}}"))).isFalse();
    }
}
