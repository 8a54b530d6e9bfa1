package io.eventbackbone.localrun;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.ingest.local.RestApiRoutes;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.read.DynamoDbClients;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadHandler;
import io.eventbackbone.read.ReadSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.RejectionsTable;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The read function as the local stack serves it: {@link ReadHandler} behind the resources it lists (the read
 * routes and the support page), entered through {@code handleRestRequest} as on AWS, reading the tables a job
 * configuration names. This module knows both the server and the function, so it joins them: the server's module
 * and the function's stay independent of each other.
 */
final class LocalReadApi implements AutoCloseable {

    /** An aggregate id no one uses, read to check that the tables can be read. */
    private static final String PROBE_ID = "support-probe";

    private final DynamoDbClient dynamo;
    private final ReadSettings settings;
    private final RestApiRoutes routes;

    /**
     * Reads the tables of {@code config} and the parked effects table in {@code region}, through {@code endpoint}
     * (null: AWS).
     */
    LocalReadApi(JobConfig config, String parkedEffectsTable, String region, URI endpoint) {
        this.settings = ReadSettings.of(config.require(JobOptions.EVENTS_TABLE), config.require(JobOptions.PROJECTIONS_TABLE),
                        config.require(JobOptions.REJECTIONS_TABLE), region)
                .withEndpoint(endpoint)
                .withDedupeMaxEventIds(config.require(JobOptions.DEDUPE_MAX_EVENT_IDS))
                .withParkedEffectsTable(parkedEffectsTable);
        this.dynamo = DynamoDbClients.create(settings);
        ReadHandler handler = new ReadHandler(new ReadApi(dynamo, settings, DomainLogics.discover(), Clock.systemUTC()));
        this.routes = routes(handler);
    }

    /** The function's resources, each to its REST entry point. */
    static RestApiRoutes routes(ReadHandler handler) {
        return RestApiRoutes.none().with(ReadHandler.API_RESOURCES, handler::handleRestRequest)
                .with(ReadHandler.SUPPORT_PAGE_RESOURCES, handler::handleRestRequest);
    }

    RestApiRoutes routes() {
        return routes;
    }

    ReadSettings settings() {
        return settings;
    }

    /**
     * Reads each table once the way the API does (GetItem, Query), so that a wrong stack name, region or missing
     * permission is said at once, naming the table, rather than on the first page load. Empty when all three
     * can be read; otherwise one sentence per table that cannot.
     */
    List<String> unreadableTables() {
        Map<String, AttributeValue> probe = Map.of(":id", AttributeValue.builder().s(PROBE_ID).build());
        List<String> problems = new ArrayList<>();
        check(problems, settings.projectionsTable(), () -> dynamo.getItem(b -> b.tableName(settings.projectionsTable())
                .key(ProjectionsTable.key(PROBE_ID))));
        check(problems, settings.eventsTable(), () -> dynamo.query(b -> b.tableName(settings.eventsTable())
                .keyConditionExpression("#id = :id").expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID))
                .expressionAttributeValues(probe).limit(1)));
        check(problems, settings.rejectionsTable(), () -> dynamo.query(b -> b.tableName(settings.rejectionsTable())
                .indexName(RejectionsTable.BY_AGGREGATE_INDEX).keyConditionExpression("#id = :id")
                .expressionAttributeNames(Map.of("#id", RejectionsTable.AGGREGATE_ID))
                .expressionAttributeValues(probe).limit(1)));
        return problems;
    }

    private void check(List<String> problems, String table, Runnable read) {
        try {
            read.run();
        } catch (ResourceNotFoundException e) {
            problems.add("table " + table + " (or its index) does not exist in " + settings.region()
                    + (settings.endpoint() == null ? "" : " at " + settings.endpoint()));
        } catch (RuntimeException e) {
            problems.add("table " + table + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        dynamo.close();
    }
}
