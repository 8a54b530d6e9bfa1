package io.eventbackbone.localrun;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.cloudformation.StreamSpec;
import io.eventbackbone.cloudformation.TemplateBindings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.LocalTables;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Creates the streams and tables the job and the API need, where they are missing, from the
 * CloudFormation template that deploys them to AWS, so local and cloud schemas cannot drift.
 */
final class LocalResources {
    /** The stack name the local resources are named after, as the template names them on AWS. */
    static final String LOCAL_STACK_NAME = "event-backbone";
    /**
     * The account the template is bound to for names only: the names of streams and tables do not depend on
     * it. Stream ARNs are read from the endpoint instead ({@link #withStreamArns}), whatever account it files
     * streams under.
     */
    private static final String NAMING_ACCOUNT = "000000000000";
    /** Shards of an on-demand stream locally, where the emulator needs a number. */
    static final int ON_DEMAND_SHARDS_LOCALLY = 4;
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);
    static final String PARKED_EFFECTS_TABLE = "ParkedEffectsTable";

    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final List<CreateTableRequest> tables;
    private final Map<String, Integer> streams = new LinkedHashMap<>();

    LocalResources(KinesisClient kinesis, DynamoDbClient dynamo, Path template, String region) throws IOException {
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        CloudFormationTemplate resources = CloudFormationTemplate.read(template);
        TemplateBindings bindings = localStack(region);
        this.tables = resources.tables(bindings);
        for (StreamSpec stream : resources.streams(bindings)) {
            streams.put(stream.name(), stream.shardCountOr(ON_DEMAND_SHARDS_LOCALLY));
        }
    }

    /** The template's stack as the local resources are named after it. */
    static TemplateBindings localStack(String region) {
        return stack(LOCAL_STACK_NAME, region);
    }

    /** The template deployed as the stack {@code stackName}, for the names it gives its resources. */
    static TemplateBindings stack(String stackName, String region) {
        return TemplateBindings.stack(stackName, region, NAMING_ACCOUNT);
    }

    /**
     * The property groups the template gives one of its Flink applications, resolved for the local stack: the
     * names of its streams and tables as the stack names them, and the template's parameter defaults.
     */
    static Map<String, Map<String, String>> applicationProperties(Path template, String applicationId, String region)
            throws IOException {
        return applicationProperties(template, applicationId, localStack(region));
    }

    /** As {@link #applicationProperties(Path, String, String)}, for any stack. */
    static Map<String, Map<String, String>> applicationProperties(Path template, String applicationId,
                                                                  TemplateBindings stack) throws IOException {
        return CloudFormationTemplate.read(template).propertyGroups(applicationId, stack);
    }

    /** The template's parked effects table, as the stack names it (no job setting names it: the job never reads it). */
    static String parkedEffectsTable(Path template, TemplateBindings stack) throws IOException {
        CloudFormationTemplate resources = CloudFormationTemplate.read(template);
        return resources.physicalName(resources.resource(PARKED_EFFECTS_TABLE), stack);
    }

    /** The stream name at the end of a Kinesis stream ARN. */
    static String streamName(String arn) {
        int slash = arn.lastIndexOf("stream/");
        if (slash < 0) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: " + arn);
        }
        return arn.substring(slash + "stream/".length());
    }

    /**
     * The configuration with the ARNs of its events and playback streams as the endpoint reports them: the
     * property file names the streams, but their account is the endpoint's.
     */
    static JobConfig withStreamArns(KinesisClient kinesis, JobConfig config) {
        JobConfig resolved = config;
        for (Setting<String> key : List.of(JobOptions.EVENTS_STREAM_ARN, JobOptions.PLAYBACK_STREAM_ARN,
                JobOptions.EFFECTS_STREAM_ARN)) {
            if (config.has(key)) {
                resolved = resolved.with(key, LocalStreams.streamArn(kinesis, streamName(config.require(key))));
            }
        }
        return resolved;
    }

    /** Creates what is missing and waits until everything is active; returns the names created. */
    List<String> ensure() {
        List<String> created = new java.util.ArrayList<>();
        for (CreateTableRequest table : tables) {
            if (!tableExists(table.tableName())) {
                dynamo.createTable(table);
                created.add(table.tableName());
            }
        }
        for (Map.Entry<String, Integer> stream : streams.entrySet()) {
            if (!streamExists(stream.getKey())) {
                LocalStreams.createStream(kinesis, stream.getKey(), stream.getValue());
                created.add(stream.getKey());
            }
        }
        // Those found, too: a stream or table kept from an earlier run can still be on its way.
        for (CreateTableRequest table : tables) {
            LocalTables.awaitTableActive(dynamo, table.tableName(), ACTIVE_TIMEOUT);
        }
        for (String stream : streams.keySet()) {
            LocalStreams.awaitStreamActive(kinesis, stream, ACTIVE_TIMEOUT);
        }
        return created;
    }

    /** The streams and tables of the template that are missing or not ACTIVE. */
    List<String> notActive() {
        List<String> missing = new java.util.ArrayList<>();
        for (CreateTableRequest table : tables) {
            try {
                if (dynamo.describeTable(b -> b.tableName(table.tableName())).table().tableStatus() != TableStatus.ACTIVE) {
                    missing.add(table.tableName());
                }
            } catch (ResourceNotFoundException e) {
                missing.add(table.tableName());
            }
        }
        for (String stream : streams.keySet()) {
            try {
                if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                        != StreamStatus.ACTIVE) {
                    missing.add(stream);
                }
            } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
                missing.add(stream);
            }
        }
        return missing;
    }

    private boolean tableExists(String name) {
        try {
            dynamo.describeTable(b -> b.tableName(name));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private boolean streamExists(String name) {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(name));
            return true;
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            return false;
        }
    }
}
