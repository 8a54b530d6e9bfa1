package io.eventbackbone.bench;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.ResponsesTable;
import io.eventbackbone.store.TimeIndex;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * A fresh set of the product's tables (events, its time index, projections, rejections, the answers' write-ahead
 * log) in the emulator, named for one benchmark.
 */
final class BenchTables implements AutoCloseable {
    final String events;
    final String timeIndex;
    final String projections;
    final String rejections;
    final String responses;
    private final DynamoDbClient dynamo;

    BenchTables(LocalEmulators emulators, String purpose) {
        this.dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String prefix = purpose + "-" + UUID.randomUUID().toString().substring(0, 6);
        events = prefix + "-events";
        timeIndex = prefix + "-time-index";
        projections = prefix + "-projections";
        rejections = prefix + "-rejections";
        responses = prefix + "-responses";
        create(dynamo, EventsTable.createTableRequest(events));
        create(dynamo, TimeIndex.createTableRequest(timeIndex));
        create(dynamo, ProjectionsTable.createTableRequest(projections));
        create(dynamo, RejectionsTable.createTableRequest(rejections));
        create(dynamo, ResponsesTable.createTableRequest(responses));
    }

    static void create(DynamoDbClient dynamo, CreateTableRequest request) {
        LocalTables.createTable(dynamo, request);
    }

    /** Drops the tables: dynalite keeps everything in memory, and later figures need it. */
    @Override
    public void close() {
        for (String table : new String[] {events, timeIndex, projections, rejections, responses}) {
            try {
                dynamo.deleteTable(b -> b.tableName(table));
            } catch (RuntimeException e) {
                // Already gone; nothing to free.
            }
        }
        dynamo.close();
    }

    /** {@code config} pointed at these tables: the job's and the replay's table names. */
    JobConfig names(JobConfig config) {
        return config.with(JobOptions.EVENTS_TABLE, events)
                .with(JobOptions.TIME_INDEX_TABLE, timeIndex)
                .with(JobOptions.PROJECTIONS_TABLE, projections)
                .with(JobOptions.REJECTIONS_TABLE, rejections)
                .with(JobOptions.RESPONSES_TABLE, responses);
    }

    /**
     * The pause between two looks of a measuring loop: how often it looks is part of what it measures (and
     * said in the README), and running out of time is a result to report, not a failure.
     */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
