package io.eventbackbone.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.retry.Backoff.Rounds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** Rounds counted on a virtual clock, with a strategy without jitter and a sleeper that only records. */
class BackoffTest {

    private static final BackoffStrategy DOUBLING =
            BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(50), Duration.ofMillis(300));

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<Long> sleeps = new ArrayList<>();
    private final Backoff backoff = new Backoff(DOUBLING, clock::get, sleeps::add);

    @Test
    void theFirstRoundIsAttemptOneAndWaitsNothing() {
        Rounds rounds = backoff.rounds();

        assertThat(rounds.nextAttempt()).isEqualTo(1);
        assertThat(rounds.roundsWithoutProgress()).isZero();
        assertThat(rounds.nextDelay()).isZero();
    }

    @Test
    void eachRoundInARowThatGetsNothingInDoublesTheWaitUpToTheMaximum() {
        Rounds rounds = backoff.rounds();
        List<Long> waits = new ArrayList<>();

        for (int i = 0; i < 6; i++) {
            rounds.refused();
            waits.add(rounds.nextDelay().toMillis());
        }

        assertThat(waits).containsExactly(50L, 100L, 200L, 300L, 300L, 300L);
        assertThat(rounds.nextAttempt()).isEqualTo(7);
        assertThat(rounds.roundsWithoutProgress()).isEqualTo(6);
    }

    @Test
    void aRoundThatGetsSomethingInStartsTheCountOverSoWhatItLeftGoesAtOnce() {
        Rounds rounds = backoff.rounds();
        rounds.refused();
        rounds.refused();

        rounds.progressed();

        assertThat(rounds.nextAttempt()).isEqualTo(1);
        assertThat(rounds.nextDelay()).isZero();
        rounds.refused();
        assertThat(rounds.nextDelay()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theWaitIsTheStrategysForTheNextAttempt() {
        List<Integer> asked = new ArrayList<>();
        Backoff recording = new Backoff(attempt -> {
            asked.add(attempt);
            return Duration.ofMillis(attempt * 7L);
        }, clock::get, sleeps::add);
        Rounds rounds = recording.rounds();
        rounds.refused();
        rounds.refused();

        assertThat(rounds.nextDelay()).isEqualTo(Duration.ofMillis(21));
        assertThat(recording.delayBefore(5)).isEqualTo(Duration.ofMillis(35));
        assertThat(asked).containsExactly(3, 5);
    }

    @Test
    void theTimeWithoutProgressRunsFromTheStartAndFromTheLastRoundThatGotSomethingIn() {
        Rounds rounds = backoff.rounds();
        clock.addAndGet(400);
        rounds.refused();
        clock.addAndGet(200);

        assertThat(rounds.millisWithoutProgress()).isEqualTo(600);

        rounds.progressed();
        clock.addAndGet(30);
        assertThat(rounds.millisWithoutProgress()).isEqualTo(30);
    }

    @Test
    void aWriteIsStalledOnceNoRoundGotAnythingInForTheDeadline() {
        Rounds rounds = backoff.rounds();
        clock.addAndGet(2_999);
        assertThat(rounds.stalledFor(3_000)).isFalse();

        clock.addAndGet(1);

        assertThat(rounds.stalledFor(3_000)).isTrue();
        rounds.progressed();
        assertThat(rounds.stalledFor(3_000)).isFalse();
    }

    @Test
    void eachCountOfRoundsIsItsOwn() {
        Rounds first = backoff.rounds();
        Rounds second = backoff.rounds();

        first.refused();
        first.refused();
        clock.addAndGet(100);
        second.progressed();

        assertThat(second.nextAttempt()).isEqualTo(1);
        assertThat(first.nextAttempt()).isEqualTo(3);
        assertThat(first.millisWithoutProgress()).isEqualTo(100);
        assertThat(second.millisWithoutProgress()).isZero();
    }

    @Test
    void sleepsThroughTheGivenSleeperAndNotAtAllWhenThereIsNothingToWait() throws Exception {
        backoff.sleep(Duration.ZERO);
        backoff.sleep(Duration.ofMillis(-5));
        backoff.sleep(Duration.ofMillis(40));

        assertThat(sleeps).containsExactly(40L);
    }

    @Test
    void anInterruptedWaitEndsWithInterruptedException() {
        Backoff interrupted = new Backoff(DOUBLING, clock::get, millis -> {
            throw new InterruptedException("stopped");
        });

        assertThatThrownBy(() -> interrupted.sleep(Duration.ofMillis(10))).isInstanceOf(InterruptedException.class);
    }

    @Test
    void halfJitterWaitsBetweenHalfAndAllOfTheDoublingDelayAndNeverPastTheMaximum() {
        Backoff jittered = Backoff.exponentialHalfJitter(Duration.ofMillis(50), Duration.ofSeconds(1));

        assertThat(jittered.delayBefore(1)).isZero();
        for (int attempt = 2; attempt <= 12; attempt++) {
            long full = Math.min(1_000, 50L << (attempt - 2));
            for (int draw = 0; draw < 200; draw++) {
                assertThat(jittered.delayBefore(attempt).toMillis()).as("attempt %d", attempt)
                        .isBetween(full / 2, full);
            }
        }
    }

    @Test
    void theWallClockBackoffSleepsWithThreadSleepWhichAnInterruptEnds() {
        Backoff wallClock = Backoff.exponentialHalfJitter(Duration.ofMillis(50), Duration.ofSeconds(1));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> wallClock.sleep(Duration.ofSeconds(30))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
