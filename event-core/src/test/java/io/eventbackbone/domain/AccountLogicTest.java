package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountLogicTest {

    private static final Instant OCCURRED_AT = Instant.parse("2001-02-03T04:05:06.789Z");
    /** Far from the business time, so a test can tell which of the two the logic used. */
    private static final Instant RECORDED_AT = Instant.parse("2026-11-28T12:00:00Z");

    private final AccountLogic logic = new AccountLogic();
    private ObjectNode state;
    private long version;

    @BeforeEach
    void newAggregate() {
        state = EventJson.newObject();
        version = 0;
    }

    private ObjectNode apply(String type, String data) {
        return apply(type, data, OCCURRED_AT);
    }

    private ObjectNode apply(String type, String data, Instant occurredAt) {
        version++;
        DomainEvent event = new DomainEvent("evt-" + version, type, version, EventJson.readObject(data), null,
                occurredAt, RECORDED_AT);
        state = logic.apply(state, event);
        return state;
    }

    private ObjectNode open() {
        return apply("Opened", "{}");
    }

    private ObjectNode deposit(String amountJson) {
        return apply("Deposited", "{\"amount\":" + amountJson + "}");
    }

    private ObjectNode withdraw(String amountJson) {
        return apply("Withdrawn", "{\"amount\":" + amountJson + "}");
    }

    private BigDecimal balance() {
        return state.get("balance").decimalValue();
    }

    private ObjectNode snapshotWithoutRefusals() {
        ObjectNode copy = state.deepCopy();
        copy.remove("refusedCount");
        copy.remove("lastRefusal");
        return copy;
    }

    private void assertRefusedWith(String reasonFragment, String type) {
        assertThat(state.get("refusedCount").asLong()).isEqualTo(1);
        JsonNode refusal = state.get("lastRefusal");
        assertThat(refusal.get("version").asLong()).isEqualTo(version);
        assertThat(refusal.get("eventId").asText()).isEqualTo("evt-" + version);
        assertThat(refusal.get("type").asText()).isEqualTo(type);
        assertThat(refusal.get("reason").asText()).contains(reasonFragment);
    }

    @Test
    void servesTheAccountAggregateType() {
        assertThat(logic.aggregateType()).isEqualTo("account");
    }

    @Test
    void opensAnAccountWithAZeroBalance() {
        open();

        assertThat(state.get("status").asText()).isEqualTo("open");
        assertThat(balance()).isEqualByComparingTo("0");
        assertThat(state.has("refusedCount")).isFalse();
    }

    @Test
    void takesOpenedAtFromTheEventsOccurredAtNotTheClock() {
        open();

        assertThat(state.get("openedAt").asText()).isEqualTo("2001-02-03T04:05:06.789Z");
    }

    @Test
    void takesClosedAtFromTheEventsOccurredAt() {
        open();
        apply("Closed", "{}", Instant.parse("2002-03-04T05:06:07Z"));

        assertThat(state.get("status").asText()).isEqualTo("closed");
        assertThat(state.get("closedAt").asText()).isEqualTo("2002-03-04T05:06:07Z");
    }

    @Test
    void decidesTheSameWayForTheSameEventWhateverTheDay() {
        // Pure logic: the same inputs give the same state, whenever it runs.
        open();
        deposit("10");
        String first = EventJson.write(state);

        newAggregate();
        open();
        deposit("10");

        assertThat(EventJson.write(state)).isEqualTo(first);
    }

    @Test
    void addsADepositToTheBalance() {
        open();
        deposit("20");

        assertThat(balance()).isEqualByComparingTo("20");
    }

    @Test
    void addsDecimalAmountsExactly() {
        open();
        deposit("0.1");
        deposit("0.2");

        assertThat(balance()).isEqualTo(new BigDecimal("0.3"));
        // The whole number as written: 0.3, not 0.30000000000000004 (nor 0.31, which a bare prefix would match).
        assertThat(EventJson.write(state)).containsPattern("\"balance\":0\\.3[,}]");
    }

    @Test
    void subtractsAWithdrawalFromTheBalance() {
        open();
        deposit("100");
        withdraw("30.25");

        assertThat(balance()).isEqualByComparingTo("69.75");
    }

    @Test
    void allowsWithdrawingTheWholeBalance() {
        open();
        deposit("12.34");
        withdraw("12.34");

        assertThat(balance()).isEqualByComparingTo("0");
        assertThat(state.has("refusedCount")).isFalse();
    }

    @Test
    void refusesAWithdrawalBeyondTheBalanceAndLeavesTheBalanceUnchanged() {
        open();
        deposit("10");
        ObjectNode before = snapshotWithoutRefusals();

        withdraw("10.01");

        assertThat(balance()).isEqualByComparingTo("10");
        assertThat(snapshotWithoutRefusals()).isEqualTo(before);
        assertRefusedWith("insufficient funds", "Withdrawn");
    }

    @Test
    void countsEveryRefusalAndKeepsTheLatest() {
        open();
        withdraw("1");
        withdraw("2");

        assertThat(state.get("refusedCount").asLong()).isEqualTo(2);
        assertThat(state.get("lastRefusal").get("eventId").asText()).isEqualTo("evt-3");
        assertThat(state.get("lastRefusal").get("version").asLong()).isEqualTo(3);
    }

    @Test
    void keepsAcceptingEventsAfterARefusal() {
        open();
        withdraw("5");
        deposit("5");
        withdraw("5");

        assertThat(balance()).isEqualByComparingTo("0");
        assertThat(state.get("refusedCount").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Deposited", "Withdrawn", "Closed"})
    void refusesAnyEventOnAnUnopenedAccount(String type) {
        apply(type, "{\"amount\":1}");

        assertRefusedWith("not opened", type);
        assertThat(state.has("status")).isFalse();
        assertThat(state.has("balance")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Opened", "Deposited", "Withdrawn", "Closed"})
    void refusesAnyEventOnAClosedAccount(String type) {
        open();
        deposit("7");
        apply("Closed", "{}");
        ObjectNode before = snapshotWithoutRefusals();

        apply(type, "{\"amount\":1}");

        assertThat(snapshotWithoutRefusals()).isEqualTo(before);
        assertRefusedWith("closed", type);
    }

    @Test
    void refusesOpeningAnAccountTwice() {
        open();
        apply("Opened", "{}", Instant.parse("2020-01-01T00:00:00Z"));

        assertRefusedWith("already open", "Opened");
        assertThat(state.get("openedAt").asText()).isEqualTo("2001-02-03T04:05:06.789Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "-0.01", "0.0000001", "1.1234567", "\"abc\"", "\"\"", "\"1,5\"", "\" 5\"",
        "\"NaN\"", "true", "null", "{}", "[1]", "1000000000000", "\"1000000000000\"", "\"0000000000000000000001\""})
    void refusesADepositWithAnAmountThatIsNotAPositiveBoundedDecimal(String amount) {
        open();

        deposit(amount);

        assertThat(balance()).isEqualByComparingTo("0");
        assertRefusedWith("data.amount", "Deposited");
    }

    @Test
    void refusesAWithdrawalWithANegativeAmount() {
        open();
        deposit("10");

        withdraw("-5");

        assertThat(balance()).isEqualByComparingTo("10");
        assertRefusedWith("data.amount", "Withdrawn");
    }

    @Test
    void refusesADepositWithoutAnAmount() {
        open();

        apply("Deposited", "{\"value\":5}");

        assertRefusedWith("data.amount", "Deposited");
    }

    @Test
    void acceptsAnAmountGivenAsANumericString() {
        open();
        deposit("\"12.50\"");

        assertThat(balance()).isEqualByComparingTo("12.5");
        assertThat(state.has("refusedCount")).isFalse();
    }

    @Test
    void acceptsTheLargestAmountWithinTheBounds() {
        open();
        deposit("999999999999.999999");

        assertThat(balance()).isEqualTo(new BigDecimal("999999999999.999999"));
    }

    @Test
    void acceptsAnAmountWithSixDecimalPlaces() {
        open();
        deposit("0.000001");

        assertThat(balance()).isEqualByComparingTo("0.000001");
    }

    @Test
    void refusesAnUnknownEventType() {
        open();
        deposit("3");

        apply("Renamed", "{\"name\":\"x\"}");

        assertRefusedWith("unknown", "Renamed");
        assertThat(balance()).isEqualByComparingTo("3");
    }

    @Test
    void namesTheBalanceAndTheAmountWhenRefusingForInsufficientFunds() {
        open();
        deposit("1.5");

        withdraw("2");

        assertThat(state.get("lastRefusal").get("reason").asText()).contains("1.5").contains("2");
    }
}
