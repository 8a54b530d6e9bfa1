package io.eventbackbone.job.external;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobOptions.WhenUnavailable;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the query stage needs: each configured target (URL, per-attempt timeout, deadline, what to do past it),
 * how many events a subtask holds while they wait, the write-ahead log of answers, and the backoff between
 * attempts.
 */
public final class ExternalTargets implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The first retry waits about this long; each further one twice as long, up to {@link #BACKOFF_MAX}. */
    static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    /** A target that stays down is asked again at least this often. */
    static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

    /** One target's settings. */
    public static final class Target implements Serializable {
        private static final long serialVersionUID = 1L;

        final String name;
        final URI url;
        final long timeoutMillis;
        final long deadlineMillis;
        final WhenUnavailable whenUnavailable;

        public Target(String name, String url, long timeoutMillis, long deadlineMillis, WhenUnavailable whenUnavailable) {
            this.name = name;
            this.url = baseUrl(name, url);
            this.timeoutMillis = timeoutMillis;
            this.deadlineMillis = deadlineMillis;
            this.whenUnavailable = whenUnavailable;
        }

        private static URI baseUrl(String name, String url) {
            URI uri;
            try {
                uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(JobOptions.EXTERNAL_URL.key(name) + " must be a URL, not '" + url
                        + "': " + e.getMessage());
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null) {
                throw new IllegalArgumentException(JobOptions.EXTERNAL_URL.key(name)
                        + " must be an http or https URL with a host and no query, not '" + url + "'");
            }
            return uri;
        }

        /** The URL a query's request path goes to. */
        URI resolve(String request) {
            return URI.create(url.toString() + request);
        }
    }

    private final Map<String, Target> targets;
    final int capacity;
    final ResponseLog log;

    public ExternalTargets(Map<String, Target> targets, int capacity, ResponseLog log) {
        this.targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        this.capacity = capacity;
        this.log = log;
    }

    /** The job's targets: every one with an {@code external.<target>.url}, and the responses table. */
    public static ExternalTargets from(JobConfig config) {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (String name : JobOptions.EXTERNAL_URL.targetsIn(config.asMap())) {
            targets.put(name, new Target(name, config.require(JobOptions.EXTERNAL_URL.of(name)),
                    config.require(JobOptions.EXTERNAL_TIMEOUT_MILLIS.of(name)),
                    config.require(JobOptions.EXTERNAL_DEADLINE_MILLIS.of(name)),
                    config.require(JobOptions.EXTERNAL_WHEN_UNAVAILABLE.of(name))));
        }
        return new ExternalTargets(targets, config.require(JobOptions.EXTERNAL_QUERIES_CAPACITY),
                new DynamoDbResponseLog(AwsClientSettings.dynamoDb(config), config.require(JobOptions.RESPONSES_TABLE)));
    }

    /** The target's settings; null when it has no URL configured. */
    public Target target(String name) {
        return targets.get(name);
    }

    public Map<String, Target> targets() {
        return targets;
    }

    public int capacity() {
        return capacity;
    }
}
