package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The account's foreign-currency deposits (the fx query) and its large-withdrawal notifications (an effect). */
class AccountExternalSystemsTest {

    private final AccountLogic logic = new AccountLogic(new BigDecimal("10000"));
    private final TestLog log = new TestLog("acc-1", AccountLogic.AGGREGATE_TYPE, DomainLogics.of(logic));

    private static ExternalResponse rate(String request, String rate) {
        return new ExternalResponse("fx", request, 200, EventJson.readObject("{\"rate\":\"" + rate + "\"}"),
                "2026-12-03T10:00:00Z", 1);
    }

    /** The request the logic declares for the next deposit of the log (its occurredAt is known from the version). */
    private ExternalQuery onlyQueryOf(String data) {
        Instant occurredAt = Instant.ofEpochMilli(TestLog.START_MILLIS + (log.version() + 1) * 1000 - 20);
        DomainEvent deposit = new DomainEvent("d", AccountLogic.DEPOSITED, log.version() + 1,
                EventJson.readObject(data), null, occurredAt, occurredAt);
        List<ExternalQuery> queries = logic.queries(deposit);
        assertThat(queries).hasSize(1);
        return queries.get(0);
    }

    @Test
    void aDepositInAnotherCurrencyAsksTheFxTargetForTheRateAtItsOccurredAt() {
        DomainEvent deposit = new DomainEvent("d", AccountLogic.DEPOSITED, 2,
                EventJson.readObject("{\"amount\":\"100\",\"currency\":\"USD\"}"), null,
                Instant.parse("2026-12-01T09:30:00Z"), Instant.parse("2026-12-01T09:30:01Z"));

        assertThat(logic.queries(deposit)).containsExactly(
                new ExternalQuery("fx", "/rates/USD/EUR?at=" + InstantText.format(Instant.parse("2026-12-01T09:30:00Z"))));
    }

    @Test
    void depositsInTheAccountsCurrencyAndOtherEventsAskNothing() {
        Instant at = Instant.parse("2026-12-01T09:30:00Z");
        for (String[] typeAndData : new String[][] {
                {"Deposited", "{\"amount\":\"100\"}"},
                {"Deposited", "{\"amount\":\"100\",\"currency\":\"EUR\"}"},
                {"Deposited", "{\"amount\":\"100\",\"currency\":\"usd\"}"},
                {"Deposited", "{\"amount\":\"100\",\"currency\":\"GBP\",\"accountCurrency\":\"GBP\"}"},
                {"Withdrawn", "{\"amount\":\"100\",\"currency\":\"USD\"}"},
                {"Opened", "{\"currency\":\"USD\"}"}}) {
            DomainEvent event = new DomainEvent("e", typeAndData[0], 1, EventJson.readObject(typeAndData[1]), null, at, at);
            assertThat(logic.queries(event)).as(typeAndData[1]).isEmpty();
        }
    }

    @Test
    void theConvertedAmountIsCreditedRoundedHalfEvenToCentsAtTheRecordedRate() {
        log.append("Opened", "{}");
        String data = "{\"amount\":\"100.005\",\"currency\":\"USD\"}";
        ExternalQuery query = onlyQueryOf(data);
        log.append("Deposited", data, null, "dep-1", List.of(rate(query.request(), "1.0832")));

        // 100.005 x 1.0832 = 108.325416 -> 108.33
        assertThat(log.state().get("balance").decimalValue()).isEqualByComparingTo("108.33");
        assertThat(log.event(2).getExternal()).contains("\"rate\":\"1.0832\"");
    }

    @Test
    void aDepositWithoutARecordedRateIsRefusedNeverDecidedOnAGuess() {
        log.append("Opened", "{}");
        log.append("Deposited", "{\"amount\":\"100\",\"currency\":\"USD\"}");

        ObjectNode state = log.state();
        assertThat(state.get("balance").decimalValue()).isEqualByComparingTo("0");
        assertThat(state.at("/lastRefusal/reason").asText()).contains("no fx rate was recorded for /rates/USD/EUR");
    }

    @Test
    void aRateAnswerThatIsNotAPositiveDecimalIsRefusedWithTheStatus() {
        log.append("Opened", "{}");
        String data = "{\"amount\":\"100\",\"currency\":\"USD\"}";
        ExternalQuery query = onlyQueryOf(data);
        log.append("Deposited", data, null, "dep-1", List.of(new ExternalResponse("fx", query.request(), 404,
                EventJson.readObject("{\"error\":\"unknown currency\"}"), "2026-12-03T10:00:00Z", 1)));

        assertThat(log.state().at("/lastRefusal/reason").asText()).contains("fx answered 404 without a positive decimal rate");
    }

    @Test
    void anAccountOpenedInAnotherCurrencyConvertsDepositsThatNameIt() {
        log.append("Opened", "{\"currency\":\"GBP\"}");
        String data = "{\"amount\":\"10\",\"currency\":\"EUR\",\"accountCurrency\":\"GBP\"}";
        ExternalQuery query = onlyQueryOf(data);
        assertThat(query.request()).startsWith("/rates/EUR/GBP?at=");
        log.append("Deposited", data, null, "dep-1", List.of(rate(query.request(), "0.85")));
        log.append("Deposited", "{\"amount\":\"1\",\"currency\":\"GBP\"}");

        assertThat(log.state().get("currency").asText()).isEqualTo("GBP");
        assertThat(log.state().get("balance").decimalValue()).isEqualByComparingTo("9.50");
    }

    @Test
    void aDepositNamingAnotherAccountCurrencyThanTheAccountsIsRefused() {
        log.append("Opened", "{\"currency\":\"GBP\"}");
        log.append("Deposited", "{\"amount\":\"10\",\"currency\":\"USD\"}");

        assertThat(log.state().at("/lastRefusal/reason").asText())
                .contains("converts USD into EUR but the account is in GBP").contains("data.accountCurrency");
    }

    @Test
    void aCurrencyThatIsNotAThreeLetterCodeIsRefusedNamingTheField() {
        log.append("Opened", "{\"currency\":\"euro\"}");

        assertThat(log.state().at("/lastRefusal/reason").asText())
                .contains("data.currency must be a three-letter currency code");
        assertThat(log.state().has("status")).isFalse();
    }

    @Test
    void reversingAConvertedDepositWithdrawsTheCreditedAmount() {
        log.append("Opened", "{}");
        String data = "{\"amount\":\"100\",\"currency\":\"USD\"}";
        ExternalQuery query = onlyQueryOf(data);
        log.append("Deposited", data, null, "dep-1", List.of(rate(query.request(), "1.5")));
        log.reverse(2);

        assertThat(log.state().get("balance").decimalValue()).isEqualByComparingTo("0");
        assertThat(log.state().has("lastRefusal")).isFalse();
    }

    @Test
    void aWithdrawalOfAtLeastTheLargeAmountNotifiesWithItsEventAggregateAmountAndBalance() {
        log.append("Opened", "{}");
        log.append("Deposited", "{\"amount\":\"25000\"}");
        log.append("Withdrawn", "{\"amount\":\"10000\"}", null, "w-1");

        List<OutboxEntry> sent = OutboxEntry.fromStoredJson(log.event(3).getEffects(), "acc-1", "w-1", 3);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).target()).isEqualTo("notifications");
        assertThat(EventJson.readObject(sent.get(0).message())).isEqualTo(EventJson.readObject(
                "{\"eventId\":\"w-1\",\"aggregateId\":\"acc-1\",\"amount\":10000,\"balance\":15000}"));
        assertThat(sent.get(0).key()).isEqualTo(OutboxEntry.key("acc-1", "w-1", "0"));
    }

    @Test
    void smallRefusedAndOtherEventsNotifyNobody() {
        log.append("Opened", "{}");
        log.append("Deposited", "{\"amount\":\"20000\"}");
        log.append("Withdrawn", "{\"amount\":\"9999.99\"}");
        log.append("Withdrawn", "{\"amount\":\"50000\"}");
        log.append("Closed", "{}");

        for (StoredEvent e : log.events) {
            assertThat(e.getEffects()).as(e.toString()).isNull();
        }
        assertThat(log.state().get("refusedCount").asInt()).isEqualTo(1);
    }

    @Test
    void theLargeWithdrawalAmountIsASettingOfTheLogic() {
        TestLog strict = new TestLog("acc-2", AccountLogic.AGGREGATE_TYPE,
                DomainLogics.of(new AccountLogic(new BigDecimal("500"))));
        strict.append("Opened", "{}");
        strict.append("Deposited", "{\"amount\":\"1000\"}");
        strict.append("Withdrawn", "{\"amount\":\"500\"}");

        assertThat(strict.event(3).getEffects()).contains("\"target\":\"notifications\"");
    }

    @Test
    void onlyATypeWhoseLogicDeclaresQueriesMayAsk() {
        DomainLogics logics = DomainLogics.of(logic);

        assertThat(logics.mayAsk(AccountLogic.AGGREGATE_TYPE)).isTrue();
        assertThat(logics.mayAsk(io.eventbackbone.event.EnvelopeLimits.DEFAULT_AGGREGATE_TYPE)).isFalse();
        assertThat(logics.mayAsk("no-logic-of-its-own")).as("the generic logic's").isFalse();
    }
}
