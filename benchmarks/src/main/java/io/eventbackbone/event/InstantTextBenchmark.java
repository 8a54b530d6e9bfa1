package io.eventbackbone.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link InstantText} against {@code java.time} for what the job and the ingest do with an envelope's times:
 * make a submitted time canonical (the decoder, for {@code ingestedAt} on every event and {@code occurredAt}
 * when the client sent one), read a stored time back into an {@link Instant} (the fold, once per event), and
 * write the ingest's clock ({@code ingestedAt}, once per event at the ingest). The {@code javaTime} methods are
 * what the code would do without InstantText: the decoder's own fallback path, {@link Instant#parse} and
 * {@link DateTimeFormatter#ISO_INSTANT}. In this package because {@code InstantText.normalise} is
 * package-private. Run with {@code ./benchmarks/run.sh --jmh InstantTextBenchmark} (benchmarks/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "-XX:+UseParallelGC")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InstantTextBenchmark {

    private static final int SIZE = 1024;

    /** {@code ingestedAt} as the ingest writes it: UTC, milliseconds (a whole second now and then). */
    private final String[] ingestedAt = new String[SIZE];
    /** {@code occurredAt} as clients send it: a quarter whole seconds, a quarter with an offset, half like the ingest's. */
    private final String[] occurredAt = new String[SIZE];
    private final Instant[] clock = new Instant[SIZE];
    private int next;

    @Setup
    public void times() {
        Random random = new Random(42);
        long base = Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
        for (int i = 0; i < SIZE; i++) {
            Instant at = Instant.ofEpochMilli(base + random.nextInt(86_400_000));
            clock[i] = at.plusNanos(random.nextInt(1_000_000));
            ingestedAt[i] = DateTimeFormatter.ISO_INSTANT.format(at);
            switch (i % 4) {
                case 0:
                    occurredAt[i] = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
                    break;
                case 1:
                    occurredAt[i] = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atOffset(ZoneOffset.ofHours(2)));
                    break;
                default:
                    occurredAt[i] = ingestedAt[i];
            }
        }
    }

    private int next() {
        next = (next + 1) & (SIZE - 1);
        return next;
    }

    @Benchmark
    public String canonicalIngestedAtInstantText() {
        return InstantText.normalise(ingestedAt[next()]);
    }

    @Benchmark
    public String canonicalIngestedAtJavaTime() {
        return canonicalWithJavaTime(ingestedAt[next()]);
    }

    @Benchmark
    public String canonicalOccurredAtInstantText() {
        return InstantText.normalise(occurredAt[next()]);
    }

    @Benchmark
    public String canonicalOccurredAtJavaTime() {
        return canonicalWithJavaTime(occurredAt[next()]);
    }

    @Benchmark
    public Instant parseStoredTimeInstantText() {
        return InstantText.parse(ingestedAt[next()]);
    }

    @Benchmark
    public Instant parseStoredTimeJavaTime() {
        return Instant.parse(ingestedAt[next()]);
    }

    @Benchmark
    public String formatIngestClockInstantText() {
        return InstantText.format(clock[next()]);
    }

    @Benchmark
    public String formatIngestClockJavaTime() {
        return DateTimeFormatter.ISO_INSTANT.format(clock[next()].truncatedTo(ChronoUnit.MILLIS));
    }

    /** The decoder's path for what InstantText does not take (EnvelopeCodec.checkInstant), on every text. */
    private static String canonicalWithJavaTime(String text) {
        try {
            if (text.length() > 64) {
                return null;
            }
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            if (year < EnvelopeLimits.MIN_YEAR || year > EnvelopeLimits.MAX_YEAR) {
                return null;
            }
            return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
        } catch (DateTimeException e) {
            return null;
        }
    }
}
