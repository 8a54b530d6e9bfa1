package io.eventbackbone.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How a writer waits between the rounds of a write that the service refused in whole or in part (throttled
 * requests, unprocessed items, refused entries): the AWS SDK's {@link BackoffStrategy}, counted in rounds
 * without progress.
 *
 * <p>A round that gets something in starts the count over, so what it left is sent again at once (the SDK's
 * first attempt waits nothing); each round in a row that gets nothing in waits longer, up to the strategy's
 * maximum. The clock and the sleep are given, so that tests run on virtual time.
 */
public final class Backoff {

    /** Waits the given time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final BackoffStrategy strategy;
    private final LongSupplier clockMillis;
    private final Sleeper sleeper;

    public Backoff(BackoffStrategy strategy, LongSupplier clockMillis, Sleeper sleeper) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The SDK's exponential backoff with half jitter: the k-th round in a row without progress waits between
     * half and all of {@code baseDelay} times 2^(k-1), at most {@code maxDelay}. On the wall clock, with
     * {@link Thread#sleep}.
     */
    public static Backoff exponentialHalfJitter(Duration baseDelay, Duration maxDelay) {
        return new Backoff(BackoffStrategy.exponentialDelayHalfJitter(baseDelay, maxDelay),
                System::currentTimeMillis, Thread::sleep);
    }

    /** The wait before the given attempt of a send: attempt 1, the first, waits nothing. */
    public Duration delayBefore(int attempt) {
        return strategy.computeDelay(attempt);
    }

    /** Waits; an interrupt ends the wait with {@link InterruptedException}. */
    public void sleep(Duration wait) throws InterruptedException {
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait.toMillis());
        }
    }

    /** A new count of rounds, from now: the first round is attempt 1. */
    public Rounds rounds() {
        return new Rounds();
    }

    /** The rounds of one write (or of one queue of a writer): how many in a row got nothing in, and since when. */
    public final class Rounds {
        private int nextAttempt = 1;
        private long lastProgressMillis = clockMillis.getAsLong();

        private Rounds() {
        }

        /** A round got something in: the count and the time without progress start over. */
        public void progressed() {
            nextAttempt = 1;
            lastProgressMillis = clockMillis.getAsLong();
        }

        /** A round got nothing in. */
        public void refused() {
            nextAttempt++;
        }

        /** The attempt the next round is: 1 after progress, one more for each round refused since. */
        public int nextAttempt() {
            return nextAttempt;
        }

        /** Rounds in a row that got nothing in. */
        public int roundsWithoutProgress() {
            return nextAttempt - 1;
        }

        /** The wait before the next round, drawn from the strategy for {@link #nextAttempt()}. */
        public Duration nextDelay() {
            return delayBefore(nextAttempt);
        }

        /** Time since the last round that got something in (or since the count began). */
        public long millisWithoutProgress() {
            return clockMillis.getAsLong() - lastProgressMillis;
        }

        /** True when no round got anything in for {@code deadlineMillis} or longer. */
        public boolean stalledFor(long deadlineMillis) {
            return millisWithoutProgress() >= deadlineMillis;
        }
    }
}
