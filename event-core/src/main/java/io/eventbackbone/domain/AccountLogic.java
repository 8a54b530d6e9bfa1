package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A bank account whose events are differences: {@code Opened}, {@code Deposited}, {@code Withdrawn},
 * {@code Closed}, with {@code data.amount} a positive decimal for deposits and withdrawals. An event the
 * rules refuse (a withdrawal beyond the balance, anything on an unopened or closed account, a bad amount)
 * changes nothing but the refusal record in the state: {@code refusedCount} and {@code lastRefusal}.
 *
 * <p>A deposit or withdrawal is reversed by its inverse difference, whatever came after it: reversing a deposit
 * withdraws the amount, under the same rules, so a reversal that would overdraw, or that comes after the
 * account was closed, is stored and recorded as refused. Reversing such a reversal applies the difference
 * again. Opening and closing are reversed by the final-values rule.
 *
 * <p>Currencies: {@code Opened} may name the account's {@code data.currency} (default {@code EUR}). A
 * {@code Deposited} in another {@code data.currency} is converted into the account's currency at the rate the
 * {@code fx} target gives for the deposit's {@code occurredAt} ({@code GET /rates/{from}/{to}?at=...}, answer
 * {@code {"rate": "1.0832"}}), rounded half-even to cents; the rate is recorded with the stored event. The rate
 * is asked before the account's state is known, so a deposit into an account not in {@code EUR} names the
 * account's currency as {@code data.accountCurrency}; a deposit that names another one than the account's is
 * refused. A withdrawal of at least the large-withdrawal amount tells the {@code notifications} target.
 */
public final class AccountLogic implements DomainLogic {
    private static final long serialVersionUID = 1L;

    public static final String AGGREGATE_TYPE = "account";

    public static final String OPENED = "Opened";
    public static final String DEPOSITED = "Deposited";
    public static final String WITHDRAWN = "Withdrawn";
    public static final String CLOSED = "Closed";

    public static final String STATUS = "status";
    public static final String BALANCE = "balance";
    public static final String OPENED_AT = "openedAt";
    public static final String CLOSED_AT = "closedAt";
    public static final String REFUSED_COUNT = "refusedCount";
    public static final String LAST_REFUSAL = "lastRefusal";
    public static final String AMOUNT = "amount";
    /** A reversal's effect: the difference it applies ({@code Deposited} or {@code Withdrawn}) and its amount. */
    public static final String DIFFERENCE = "difference";

    public static final String CURRENCY = "currency";
    /** A foreign-currency deposit's naming of the account's currency, which its rate query needs. */
    public static final String ACCOUNT_CURRENCY = "accountCurrency";
    public static final String DEFAULT_CURRENCY = "EUR";
    public static final String RATE = "rate";
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    /** The target that gives exchange rates. */
    public static final String FX_TARGET = "fx";
    /** The target told of large withdrawals. */
    public static final String NOTIFICATIONS_TARGET = "notifications";
    /** The large-withdrawal amount unless configured ({@code account.large.withdrawal}). */
    public static final BigDecimal DEFAULT_LARGE_WITHDRAWAL = new BigDecimal("10000");

    public static final String STATUS_OPEN = "open";
    public static final String STATUS_CLOSED = "closed";

    /** Amounts are bounded so balances stay exact and small. */
    public static final int MAX_AMOUNT_DIGITS = 18;
    public static final int MAX_AMOUNT_SCALE = 6;
    /** Converted amounts are credited in cents. */
    static final int CONVERTED_SCALE = 2;

    private final BigDecimal largeWithdrawal;

    public AccountLogic() {
        this(DEFAULT_LARGE_WITHDRAWAL);
    }

    /** The logic that notifies of withdrawals of at least {@code largeWithdrawal}. */
    public AccountLogic(BigDecimal largeWithdrawal) {
        if (largeWithdrawal == null || largeWithdrawal.signum() <= 0) {
            throw new IllegalArgumentException("the large-withdrawal amount must be positive, got " + largeWithdrawal);
        }
        this.largeWithdrawal = largeWithdrawal;
    }

    public BigDecimal largeWithdrawal() {
        return largeWithdrawal;
    }

    @Override
    public String aggregateType() {
        return AGGREGATE_TYPE;
    }

    @Override
    public ObjectNode apply(ObjectNode state, DomainEvent event) {
        String status = state.path(STATUS).asText(null);
        switch (event.type()) {
            case OPENED:
                if (status != null) {
                    return refuse(state, event, "account is already " + status);
                }
                JsonNode currency = event.data().get(CURRENCY);
                if (currency != null && !isCurrency(currency)) {
                    return refuse(state, event, currencyRule(CURRENCY, currency));
                }
                state.put(STATUS, STATUS_OPEN);
                state.put(BALANCE, BigDecimal.ZERO);
                state.put(OPENED_AT, event.occurredAt().toString());
                if (currency != null) {
                    state.put(CURRENCY, currency.textValue());
                }
                return state;
            case DEPOSITED:
                return deposit(state, event);
            case WITHDRAWN:
                JsonNode in = event.data().get(CURRENCY);
                if (in != null && !in.asText().equals(currencyOf(state))) {
                    return refuse(state, event, "a withdrawal is in the account's currency " + currencyOf(state)
                            + ", data.currency is " + in);
                }
                return applyDifference(state, event, WITHDRAWN, amount(event.data()));
            case CLOSED:
                if (!STATUS_OPEN.equals(status)) {
                    return refuse(state, event, status == null ? "account is not opened" : "account is " + status);
                }
                state.put(STATUS, STATUS_CLOSED);
                state.put(CLOSED_AT, event.occurredAt().toString());
                return state;
            default:
                return refuse(state, event, "unknown account event type " + event.type());
        }
    }

    /**
     * Adds or takes {@code amount} as a {@code Deposited} or {@code Withdrawn} does, refusing as it does; the
     * refusal names {@code event}, which may be a reversal applying the difference.
     */
    private static ObjectNode applyDifference(ObjectNode state, DomainEvent event, String difference,
                                              BigDecimal amount) {
        String status = state.path(STATUS).asText(null);
        if (!STATUS_OPEN.equals(status)) {
            return refuse(state, event, status == null ? "account is not opened" : "account is " + status);
        }
        if (amount == null) {
            return refuse(state, event, "data.amount must be a positive decimal with at most "
                    + MAX_AMOUNT_DIGITS + " digits and " + MAX_AMOUNT_SCALE + " decimal places");
        }
        BigDecimal balance = state.path(BALANCE).decimalValue();
        if (DEPOSITED.equals(difference)) {
            state.put(BALANCE, balance.add(amount));
        } else if (amount.compareTo(balance) > 0) {
            return refuse(state, event, "insufficient funds: balance " + balance.toPlainString()
                    + ", withdrawal " + amount.toPlainString());
        } else {
            state.put(BALANCE, balance.subtract(amount));
        }
        return state;
    }

    /** A deposit in the account's currency, or converted into it at the recorded rate. */
    private static ObjectNode deposit(ObjectNode state, DomainEvent event) {
        JsonNode currency = event.data().get(CURRENCY);
        if (currency == null || currency.asText().equals(currencyOf(state))) {
            return applyDifference(state, event, DEPOSITED, amount(event.data()));
        }
        if (!isCurrency(currency)) {
            return refuse(state, event, currencyRule(CURRENCY, currency));
        }
        JsonNode into = event.data().get(ACCOUNT_CURRENCY);
        if (into != null && !isCurrency(into)) {
            return refuse(state, event, currencyRule(ACCOUNT_CURRENCY, into));
        }
        if (!intoCurrency(event.data()).equals(currencyOf(state))) {
            return refuse(state, event, "the deposit converts " + currency.textValue() + " into "
                    + intoCurrency(event.data()) + " but the account is in " + currencyOf(state)
                    + ": name the account's currency as data." + ACCOUNT_CURRENCY);
        }
        BigDecimal amount = amount(event.data());
        if (amount == null) {
            return applyDifference(state, event, DEPOSITED, null);
        }
        ExternalQuery query = rateQuery(event);
        ExternalResponse answer = event.answer(query);
        if (answer == null) {
            return refuse(state, event, "no " + FX_TARGET + " rate was recorded for " + query.request());
        }
        BigDecimal rate = answer.ok() && answer.response() != null ? positiveDecimal(answer.response().get(RATE)) : null;
        if (rate == null) {
            return refuse(state, event, FX_TARGET + " answered " + answer.status() + " without a positive decimal "
                    + RATE + " for " + query.request());
        }
        BigDecimal credited = amount.multiply(rate).setScale(CONVERTED_SCALE, RoundingMode.HALF_EVEN);
        if (credited.signum() <= 0) {
            return refuse(state, event, "the deposit converts to " + credited.toPlainString() + " "
                    + currencyOf(state));
        }
        return applyDifference(state, event, DEPOSITED, credited);
    }

    /** The amount a deposit credited, in the account's currency: converted when it was in another one. */
    private static BigDecimal credited(DomainEvent deposit, ObjectNode stateAfter) {
        BigDecimal amount = amount(deposit.data());
        JsonNode currency = deposit.data().get(CURRENCY);
        if (amount == null || currency == null || currency.asText().equals(currencyOf(stateAfter))) {
            return amount;
        }
        ExternalResponse answer = deposit.answer(rateQuery(deposit));
        BigDecimal rate = answer == null || answer.response() == null ? null
                : positiveDecimal(answer.response().get(RATE));
        return rate == null ? null : amount.multiply(rate).setScale(CONVERTED_SCALE, RoundingMode.HALF_EVEN);
    }

    /** A deposit in a currency other than the one it names for the account asks for the rate. */
    @Override
    public List<ExternalQuery> queries(DomainEvent event) {
        if (!DEPOSITED.equals(event.type())) {
            return List.of();
        }
        JsonNode currency = event.data().get(CURRENCY);
        JsonNode into = event.data().get(ACCOUNT_CURRENCY);
        if (currency == null || !isCurrency(currency) || (into != null && !isCurrency(into))
                || currency.textValue().equals(intoCurrency(event.data()))) {
            return List.of();
        }
        return List.of(rateQuery(event));
    }

    private static ExternalQuery rateQuery(DomainEvent deposit) {
        return new ExternalQuery(FX_TARGET, "/rates/" + deposit.data().get(CURRENCY).asText() + "/"
                + intoCurrency(deposit.data()) + "?at=" + InstantText.format(deposit.occurredAt()));
    }

    /** A withdrawal of at least the large-withdrawal amount that took effect tells the notifications target. */
    @Override
    public List<Effect> effects(ObjectNode before, ObjectNode after, DomainEvent event) {
        if (!WITHDRAWN.equals(event.type()) || refused(after, event)) {
            return List.of();
        }
        BigDecimal amount = amount(event.data());
        if (amount == null || amount.compareTo(largeWithdrawal) < 0) {
            return List.of();
        }
        ObjectNode message = EventJson.newObject();
        message.put("eventId", event.eventId());
        message.put("aggregateId", event.aggregateId());
        message.put(AMOUNT, amount);
        message.put(BALANCE, after.path(BALANCE).decimalValue());
        return List.of(new Effect(NOTIFICATIONS_TARGET, message));
    }

    private static String currencyOf(ObjectNode state) {
        return state.path(CURRENCY).asText(DEFAULT_CURRENCY);
    }

    private static String intoCurrency(JsonNode data) {
        return data.path(ACCOUNT_CURRENCY).asText(DEFAULT_CURRENCY);
    }

    private static boolean isCurrency(JsonNode code) {
        return code.isTextual() && CURRENCY_CODE.matcher(code.textValue()).matches();
    }

    private static String currencyRule(String field, JsonNode got) {
        return "data." + field + " must be a three-letter currency code (ISO 4217, upper case), got " + got;
    }

    /** The logic refused the event when the state's last refusal is this very event. */
    @Override
    public boolean refused(ObjectNode stateAfter, DomainEvent event) {
        JsonNode refusal = stateAfter.get(LAST_REFUSAL);
        return refusal != null && refusal.path("version").asLong() == event.version()
                && event.eventId().equals(refusal.path("eventId").asText());
    }

    /**
     * The inverse difference of a deposit or withdrawal, or of a reversal that applied one; the final-values
     * rule for anything else (opening, closing, a reversion).
     */
    @Override
    public ObjectNode reversalEffect(ReversalContext context) {
        HistoryEvent target = context.target();
        String type = target.event().type();
        BigDecimal amount;
        if (DEPOSITED.equals(type)) {
            amount = credited(target.event(), target.stateAfter());
        } else if (WITHDRAWN.equals(type)) {
            amount = amount(target.event().data());
        } else if (target.isReversal() && target.reversalEffect().has(DIFFERENCE)) {
            ObjectNode difference = target.reversalEffect();
            type = difference.get(DIFFERENCE).asText();
            amount = amount(difference);
        } else {
            return DomainLogic.super.reversalEffect(context);
        }
        ObjectNode effect = EventJson.newObject();
        effect.put(DIFFERENCE, DEPOSITED.equals(type) ? WITHDRAWN : DEPOSITED);
        effect.put(AMOUNT, amount);
        return effect;
    }

    @Override
    public ObjectNode applyReversal(ObjectNode state, DomainEvent reversal, ObjectNode effect) {
        JsonNode difference = effect.get(DIFFERENCE);
        if (difference == null) {
            return DomainLogic.super.applyReversal(state, reversal, effect);
        }
        String type = difference.asText();
        if (!DEPOSITED.equals(type) && !WITHDRAWN.equals(type)) {
            return refuse(state, reversal, "a reversal's difference must be " + DEPOSITED + " or " + WITHDRAWN);
        }
        return applyDifference(state, reversal, type, amount(effect));
    }

    /** The amount when it is a positive decimal within bounds (a JSON number or a numeric string), else null. */
    static BigDecimal amount(JsonNode data) {
        return positiveDecimal(data.get(AMOUNT));
    }

    /** A positive decimal within the amount bounds (a JSON number or a numeric string), else null. */
    static BigDecimal positiveDecimal(JsonNode node) {
        if (node == null) {
            return null;
        }
        BigDecimal amount;
        if (node.isNumber()) {
            amount = node.decimalValue();
        } else if (node.isTextual() && node.textValue().length() <= MAX_AMOUNT_DIGITS + 2) {
            try {
                amount = new BigDecimal(node.textValue());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (amount.signum() <= 0 || amount.scale() > MAX_AMOUNT_SCALE
                || amount.precision() - amount.scale() > MAX_AMOUNT_DIGITS - MAX_AMOUNT_SCALE) {
            return null;
        }
        return amount;
    }

    private static ObjectNode refuse(ObjectNode state, DomainEvent event, String reason) {
        state.put(REFUSED_COUNT, state.path(REFUSED_COUNT).asLong(0) + 1);
        ObjectNode refusal = state.putObject(LAST_REFUSAL);
        refusal.put("version", event.version());
        refusal.put("eventId", event.eventId());
        refusal.put("type", event.type());
        refusal.put("reason", reason);
        return state;
    }
}
