package io.eventbackbone.job.sink;

import io.eventbackbone.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How a sink waits out DynamoDB throttling: a throttled request, or one that leaves items unprocessed, is sent
 * again after the SDK's exponential backoff with jitter, and so is a request that failed for a transient cause once
 * the SDK's own retries were spent (a dropped or timed-out connection, a 5xx answer): every write here is a put
 * that can be repeated, so only the deadline turns weather into a failure; the backoff starts over whenever a round makes
 * progress, and a write that makes none for the deadline fails, naming the table and the cause. Counts, per
 * table, the throttled requests and the time spent backing off, and for the sink's standard metrics what each
 * round got in and what it did not.
 */
public final class WriteRetry {
    /** Error codes of a request refused for capacity, whatever the SDK's own classification says. */
    static final Set<String> THROTTLING_CODES = Set.of("ProvisionedThroughputExceededException",
            "ThrottlingException", "RequestLimitExceeded", "LimitExceededException");
    static final BackoffStrategy BACKOFF =
            BackoffStrategy.exponentialDelayHalfJitter(Duration.ofMillis(50), Duration.ofSeconds(5));

    private final long deadlineMillis;
    private final MetricGroup metrics;
    private final Backoff backoff;
    private final SendMetrics sendMetrics;
    private final Counter requests;
    private final Map<String, Counter[]> byTable = new ConcurrentHashMap<>();

    /** For a sink writer: its standard metrics count what the writes send. */
    public WriteRetry(long deadlineMillis, SinkWriterMetricGroup metrics) {
        this(deadlineMillis, metrics, SendMetrics.of(metrics), System::currentTimeMillis);
    }

    public WriteRetry(long deadlineMillis, MetricGroup metrics, SendMetrics sent) {
        this(deadlineMillis, metrics, sent, System::currentTimeMillis);
    }

    WriteRetry(long deadlineMillis, SinkWriterMetricGroup metrics, LongSupplier clock) {
        this(deadlineMillis, metrics, SendMetrics.of(metrics), clock);
    }

    WriteRetry(long deadlineMillis, MetricGroup metrics, SendMetrics sent, LongSupplier clock) {
        this.deadlineMillis = deadlineMillis;
        this.metrics = metrics;
        this.sendMetrics = sent;
        // The waits are asynchronous (a delayed executor), so the backoff's own sleeper is never used.
        this.backoff = new Backoff(BACKOFF, clock, Thread::sleep);
        this.requests = metrics.counter("dynamodbRequests");
    }

    /**
     * Sends {@code round} until it leaves nothing: each round is given what the previous one left, and returns
     * what is still to be written. A throttling failure of a round leaves everything it was given.
     * {@code bytesOf} is an item's size as the table counts it, for {@code numBytesSend}.
     */
    public <T> CompletableFuture<Void> untilWritten(String table, List<T> items, ToLongFunction<T> bytesOf,
                                                    Function<List<T>, CompletableFuture<List<T>>> round) {
        return attempt(table, items, bytesOf, round, backoff.rounds());
    }

    private <T> CompletableFuture<Void> attempt(String table, List<T> items, ToLongFunction<T> bytesOf,
                                               Function<List<T>, CompletableFuture<List<T>>> round,
                                               Backoff.Rounds rounds) {
        requests.inc();
        CompletableFuture<List<T>> sent;
        try {
            sent = round.apply(items);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((left, error) -> {
            if (error == null) {
                return left;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (isThrottling(cause)) {
                counters(table)[0].inc();
                return items;
            }
            if (isTransient(cause)) {
                counters(table)[2].inc();
                return items;
            }
            sendMetrics.refused(items.size());
            throw new CompletionException(cause);
        }).thenCompose(left -> {
            if (left.size() < items.size()) {
                sendMetrics.sent(items.size() - left.size(), bytes(items, bytesOf) - bytes(left, bytesOf));
            }
            sendMetrics.refused(left.size());
            if (left.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (left.size() < items.size()) {
                rounds.progressed();
            } else {
                rounds.refused();
            }
            if (rounds.stalledFor(deadlineMillis)) {
                return CompletableFuture.failedFuture(new IOException("writing to table " + table + " made no progress"
                        + " for " + rounds.millisWithoutProgress() + " ms (dynamodb.write.deadline.millis): "
                        + left.size() + " items left after " + rounds.roundsWithoutProgress()
                        + " attempts, throttled, unprocessed or failed transiently"));
            }
            long wait = rounds.nextDelay().toMillis();
            counters(table)[1].inc(wait);
            return CompletableFuture.runAsync(() -> { },
                            CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> attempt(table, left, bytesOf, round, rounds));
        });
    }

    private static <T> long bytes(List<T> items, ToLongFunction<T> bytesOf) {
        long sum = 0;
        for (T item : items) {
            sum += bytesOf.applyAsLong(item);
        }
        return sum;
    }

    static boolean isThrottling(Throwable e) {
        if (!(e instanceof AwsServiceException)) {
            return false;
        }
        AwsServiceException aws = (AwsServiceException) e;
        return aws.isThrottlingException() || (aws.awsErrorDetails() != null
                && THROTTLING_CODES.contains(aws.awsErrorDetails().errorCode()));
    }

    /**
     * A failure that says nothing about the request itself: the service answered 5xx, or the connection broke
     * or timed out before an answer came. A 4xx other than throttling (a missing table, a bad request, a
     * failed condition) is the request's own and fails at once.
     */
    static boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException) {
            return ((AwsServiceException) e).statusCode() >= 500;
        }
        if (e instanceof SdkClientException) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    private Counter[] counters(String table) {
        return byTable.computeIfAbsent(table, t -> {
            MetricGroup group = metrics.addGroup("table", t);
            return new Counter[] {group.counter("throttledRequests"), group.counter("throttleBackoffMillis"),
                    group.counter("transientFailures")};
        });
    }
}
