package io.eventbackbone.job;

import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The domain logic the job runs: the discovered plug-ins, the account's configured as the settings say. */
public final class JobLogics {
    private JobLogics() {
    }

    public static DomainLogics from(JobConfig config) {
        BigDecimal largeWithdrawal = largeWithdrawal(config);
        List<DomainLogic> logics = new ArrayList<>();
        for (DomainLogic logic : DomainLogics.discover().all().values()) {
            logics.add(logic instanceof AccountLogic ? new AccountLogic(largeWithdrawal) : logic);
        }
        return DomainLogics.of(logics.toArray(new DomainLogic[0]));
    }

    /** {@code account.large.withdrawal}, a positive decimal. */
    static BigDecimal largeWithdrawal(JobConfig config) {
        String text = config.require(JobOptions.ACCOUNT_LARGE_WITHDRAWAL).trim();
        BigDecimal amount;
        try {
            amount = new BigDecimal(text);
        } catch (NumberFormatException e) {
            amount = null;
        }
        if (amount == null || amount.signum() <= 0) {
            throw new IllegalArgumentException("configuration key '" + JobOptions.ACCOUNT_LARGE_WITHDRAWAL.key()
                    + "' (property group " + JobOptions.ACCOUNT_LARGE_WITHDRAWAL.group()
                    + ") must be a positive decimal, not '" + text + "'");
        }
        return amount;
    }
}
