package io.eventbackbone.local;

import java.time.Duration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How the SDK's waiters poll the emulators. Their own settings wait 10 s between DescribeStream calls and
 * 20 s between DescribeTable calls, so each wait took 10-20 s here, where a stream or table is ACTIVE about
 * 100 ms after it was asked for; polled every 50 ms instead, within the caller's timeout.
 */
final class EmulatorWaiters {

    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private EmulatorWaiters() {
    }

    static WaiterOverrideConfiguration pollingUntil(Duration timeout) {
        return WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(POLL_INTERVAL))
                .waitTimeout(timeout)
                .maxAttempts((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() / POLL_INTERVAL.toMillis() + 1))
                .build();
    }
}
