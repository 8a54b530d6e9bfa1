package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The logic the job runs is built from its settings. */
class JobLogicsTest {

    @Test
    void theAccountLogicNotifiesFromTheConfiguredLargeWithdrawal() {
        JobConfig config = new JobConfig(Map.of()).with(JobOptions.ACCOUNT_LARGE_WITHDRAWAL, "2500.50");

        assertThat(((AccountLogic) JobLogics.from(config).forType(AccountLogic.AGGREGATE_TYPE)).largeWithdrawal())
                .isEqualByComparingTo("2500.50");
        assertThat(((AccountLogic) JobLogics.from(new JobConfig(Map.of())).forType(AccountLogic.AGGREGATE_TYPE))
                .largeWithdrawal()).isEqualByComparingTo(AccountLogic.DEFAULT_LARGE_WITHDRAWAL);
        assertThat(JobLogics.from(config).forType("generic")).isNotNull();
    }

    @Test
    void aLargeWithdrawalThatIsNotAPositiveDecimalIsRefusedNamingTheKey() {
        for (String bad : new String[] {"0", "-5", "ten"}) {
            JobConfig config = new JobConfig(Map.of()).with(JobOptions.ACCOUNT_LARGE_WITHDRAWAL, bad);
            assertThatThrownBy(() -> JobLogics.from(config)).hasMessage("configuration key 'account.large.withdrawal' "
                    + "(property group EventStore) must be a positive decimal, not '" + bad + "'");
        }
    }
}
