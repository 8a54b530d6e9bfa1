package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.math.BigDecimal;

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

    public static final String STATUS_OPEN = "open";
    public static final String STATUS_CLOSED = "closed";

    /** Amounts are bounded so balances stay exact and small. */
    public static final int MAX_AMOUNT_DIGITS = 18;
    public static final int MAX_AMOUNT_SCALE = 6;

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
                state.put(STATUS, STATUS_OPEN);
                state.put(BALANCE, BigDecimal.ZERO);
                state.put(OPENED_AT, event.occurredAt().toString());
                return state;
            case DEPOSITED:
            case WITHDRAWN:
                return applyDifference(state, event, event.type(), amount(event.data()));
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
        JsonNode difference;
        if (DEPOSITED.equals(type) || WITHDRAWN.equals(type)) {
            difference = target.event().data();
        } else if (target.isReversal() && target.reversalEffect().has(DIFFERENCE)) {
            difference = target.reversalEffect();
            type = difference.get(DIFFERENCE).asText();
        } else {
            return DomainLogic.super.reversalEffect(context);
        }
        ObjectNode effect = EventJson.newObject();
        effect.put(DIFFERENCE, DEPOSITED.equals(type) ? WITHDRAWN : DEPOSITED);
        effect.put(AMOUNT, amount(difference));
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
        JsonNode node = data.get(AMOUNT);
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
