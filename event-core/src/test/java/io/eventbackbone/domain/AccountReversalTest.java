package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Reversing an account's differences by their inverse, refusals included. */
class AccountReversalTest {

    private static TestLog account() {
        TestLog log = new TestLog("acct", AccountLogic.AGGREGATE_TYPE);
        log.append(AccountLogic.OPENED, "{}");
        return log;
    }

    private static BigDecimal balance(TestLog log) {
        return log.state().get(AccountLogic.BALANCE).decimalValue();
    }

    private static long refusedCount(TestLog log) {
        return log.state().path(AccountLogic.REFUSED_COUNT).asLong(0);
    }

    @Test
    void reversingADepositWithdrawsItsAmountWhateverCameAfter() {
        TestLog log = account();
        long deposit = log.append(AccountLogic.DEPOSITED, "{\"amount\":100.50}");
        log.append(AccountLogic.DEPOSITED, "{\"amount\":\"20\"}");
        log.append(AccountLogic.WITHDRAWN, "{\"amount\":5}");

        ObjectNode data = log.planReversal(deposit);
        log.reverse(deposit);

        assertThat(EventJson.write(data.get(Reversals.EFFECT))).isEqualTo("{\"difference\":\"Withdrawn\",\"amount\":100.50}");
        assertThat(data.get(Reversals.REVERSED_TYPE).asText()).isEqualTo(AccountLogic.DEPOSITED);
        assertThat(balance(log)).isEqualByComparingTo("15");
        assertThat(refusedCount(log)).isZero();
    }

    @Test
    void reversingAWithdrawalDepositsItsAmount() {
        TestLog log = account();
        log.append(AccountLogic.DEPOSITED, "{\"amount\":50}");
        long withdrawal = log.append(AccountLogic.WITHDRAWN, "{\"amount\":30}");

        log.reverse(withdrawal);

        assertThat(balance(log)).isEqualByComparingTo("50");
    }

    @Test
    void aRefusedWithdrawalHasNoEffectToReverse() {
        TestLog log = account();
        log.append(AccountLogic.DEPOSITED, "{\"amount\":10}");
        long refused = log.append(AccountLogic.WITHDRAWN, "{\"amount\":30}");

        ReversalRefused e = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(refused));

        assertThat(e.kind()).isEqualTo(ReversalRefused.Kind.NOTHING_TO_REVERSE);
        assertThat(e.getMessage()).contains("Version 3 (Withdrawn)").contains("the logic refused it");
    }

    @Test
    void aReversalThatWouldOverdrawIsStoredAndRecordedAsRefused() {
        TestLog log = account();
        long deposit = log.append(AccountLogic.DEPOSITED, "{\"amount\":100}");
        log.append(AccountLogic.WITHDRAWN, "{\"amount\":80}");

        long reversal = log.reverse(deposit);

        assertThat(balance(log)).isEqualByComparingTo("20");
        assertThat(refusedCount(log)).isEqualTo(1);
        assertThat(log.state().get(AccountLogic.LAST_REFUSAL).get("version").asLong()).isEqualTo(reversal);
        assertThat(log.state().get(AccountLogic.LAST_REFUSAL).get("type").asText()).isEqualTo(Reversals.REVERSAL);
        assertThat(log.state().get(AccountLogic.LAST_REFUSAL).get("reason").asText()).contains("insufficient funds");
        // The refused reversal took nothing back: it has no effect itself, and the deposit can be reversed later.
        assertThat(catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(reversal)).kind())
                .isEqualTo(ReversalRefused.Kind.NOTHING_TO_REVERSE);
        log.append(AccountLogic.DEPOSITED, "{\"amount\":80}");
        log.reverse(deposit);
        assertThat(balance(log)).isZero();
    }

    @Test
    void aReversalAfterTheAccountWasClosedIsRecordedAsRefused() {
        TestLog log = account();
        long deposit = log.append(AccountLogic.DEPOSITED, "{\"amount\":10}");
        log.append(AccountLogic.CLOSED, "{}");

        log.reverse(deposit);

        assertThat(balance(log)).isEqualByComparingTo("10");
        assertThat(log.state().get(AccountLogic.LAST_REFUSAL).get("reason").asText()).isEqualTo("account is closed");
    }

    @Test
    void reversingAReversalAppliesTheDifferenceAgainAndTheOriginalCanThenBeReversedAgain() {
        TestLog log = account();
        long deposit = log.append(AccountLogic.DEPOSITED, "{\"amount\":40}");
        long reversal = log.reverse(deposit);
        assertThat(balance(log)).isZero();

        log.reverse(reversal);
        assertThat(balance(log)).isEqualByComparingTo("40");
        assertThat(log.event(log.version()).getData()).contains("\"difference\":\"Deposited\"");

        // The reversal is itself reversed, so the deposit's effect stands again.
        log.reverse(deposit);
        assertThat(balance(log)).isZero();
    }

    @Test
    void reversingTheSameDepositTwiceIsRefusedNamingTheEarlierReversal() {
        TestLog log = account();
        long deposit = log.append(AccountLogic.DEPOSITED, "{\"amount\":40}");
        long reversal = log.reverse(deposit);
        log.append(AccountLogic.DEPOSITED, "{\"amount\":1}");

        ReversalRefused e = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(deposit));

        assertThat(e.kind()).isEqualTo(ReversalRefused.Kind.ALREADY_REVERSED);
        assertThat(e.details().get("reversedBy").get("version").asLong()).isEqualTo(reversal);
    }

    @Test
    void closingIsReversedByTheFinalValuesRuleAndReopensTheAccount() {
        TestLog log = account();
        log.append(AccountLogic.DEPOSITED, "{\"amount\":10}");
        long closed = log.append(AccountLogic.CLOSED, "{}");
        log.append(AccountLogic.DEPOSITED, "{\"amount\":5}");

        log.reverse(closed);

        assertThat(log.state().get(AccountLogic.STATUS).asText()).isEqualTo(AccountLogic.STATUS_OPEN);
        assertThat(log.state().has(AccountLogic.CLOSED_AT)).isFalse();
        assertThat(balance(log)).isEqualByComparingTo("10");
    }

    @Test
    void openingCannotBeReversedOnceLaterEventsChangedTheBalance() {
        TestLog log = account();
        log.append(AccountLogic.DEPOSITED, "{\"amount\":10}");

        ReversalRefused e = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(1));

        assertThat(e.kind()).isEqualTo(ReversalRefused.Kind.CONFLICT);
        assertThat(EventJson.write(e.details())).isEqualTo(
                "{\"conflicts\":[{\"version\":2,\"eventId\":\"e2\",\"fields\":[\"/balance\"]}]}");
    }

    @Test
    void aReversionSetsTheStateAsOfEveryEarlierVersionRefusalsIncluded() {
        TestLog log = account();
        for (int i = 0; i < 49; i++) {
            log.append(i % 3 == 2 ? AccountLogic.WITHDRAWN : AccountLogic.DEPOSITED, "{\"amount\":" + (7 + i % 11) + "}");
        }
        for (long n = 1; n < 50; n++) {
            ObjectNode data = log.planner.reversion(log.at(n), "back", null);
            AggregateFold.Step step = log.fold.apply(AccountLogic.AGGREGATE_TYPE, log.at(50).getState(), 51,
                    TestLog.START_MILLIS + 51_000, "r", Reversals.REVERSION, EventJson.write(data), null,
                    "2026-03-01T09:00:00Z");
            assertThat(step.state()).as("back to %d", n).isEqualTo(log.at(n).getState());
        }
    }

    @Test
    void aReversalWithAnUnknownDifferenceIsRecordedAsRefused() {
        TestLog log = account();
        log.append(Reversals.REVERSAL, "{\"reversedVersion\":1,\"reversedEventId\":\"e1\",\"reason\":\"r\","
                + "\"effect\":{\"difference\":\"Borrowed\",\"amount\":1}}");

        assertThat(refusedCount(log)).isEqualTo(1);
        assertThat(log.state().get(AccountLogic.LAST_REFUSAL).get("reason").asText()).contains("Deposited or Withdrawn");
    }
}
