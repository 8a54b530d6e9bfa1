package io.eventbackbone.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import java.math.BigDecimal;

/** The account rules with a corrected withdrawal rule: an overdraft of up to 100 is allowed. */
public final class OverdraftAccount implements DomainLogic {
    private static final long serialVersionUID = 1L;
    private static final BigDecimal OVERDRAFT = new BigDecimal(100);
    private final AccountLogic rules = new AccountLogic();

    @Override
    public String aggregateType() {
        return AccountLogic.AGGREGATE_TYPE;
    }

    @Override
    public ObjectNode apply(ObjectNode state, DomainEvent event) {
        if (event.type().equals(AccountLogic.WITHDRAWN)
                && AccountLogic.STATUS_OPEN.equals(state.path(AccountLogic.STATUS).asText(null))
                && event.data().path(AccountLogic.AMOUNT).isNumber()) {
            BigDecimal amount = event.data().path(AccountLogic.AMOUNT).decimalValue();
            BigDecimal balance = state.path(AccountLogic.BALANCE).decimalValue();
            if (amount.signum() > 0 && amount.compareTo(balance) > 0 && amount.compareTo(balance.add(OVERDRAFT)) <= 0) {
                state.put(AccountLogic.BALANCE, balance.subtract(amount));
                return state;
            }
        }
        return rules.apply(state, event);
    }
}
