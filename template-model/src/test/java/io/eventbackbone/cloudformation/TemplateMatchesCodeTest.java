package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.eventbackbone.cloudformation.CloudFormationTemplate.Resource;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.effects.EffectsGatewayHandler;
import io.eventbackbone.effects.GatewaySettings;
import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.read.ReadSettings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.replay.ReplayRequest;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.ResponsesTable;
import io.eventbackbone.store.TimeIndex;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** The template names what the code defines: classes, configuration keys, variables, defaults and bounds. */
class TemplateMatchesCodeTest {

    private static final CloudFormationTemplate TEMPLATE = Repository.TEMPLATE;
    private static final TemplateBindings STACK = TemplateBindings.stack("backbone", "eu-west-1", "123456789012")
            .withParameter("ArtifactBucket", "artifacts")
            .withParameter("FlinkJarKey", "jobs/flink-job.jar")
            .withParameter("LambdaJarKey", "jobs/ingest-lambda.jar");

    // ------------------------------------------------------------------ the Lambda

    @Test
    void theLambdaHandlerIsAPublicMethodOfTheIngestTakingRestApiProxyEvents() throws Exception {
        assertThat(restProxyHandler("IngestFunction").getDeclaringClass()).isEqualTo(IngestHandler.class);
        // The API is a REST API with a Lambda proxy integration, whose events are payload format 1.0.
        assertThat(TEMPLATE.resource("EventsMethod").property("Integration", "Type")).isEqualTo("AWS_PROXY");
        assertThat(TEMPLATE.resource("RestApi").type()).isEqualTo("AWS::ApiGateway::RestApi");
    }

    /**
     * The method the function's {@code Handler} names, checked to be what Lambda can call with a REST API proxy
     * event: public, of a public class with a no-argument constructor, taking the event and the context and
     * returning the proxy response.
     */
    static Method restProxyHandler(String functionLogicalId) throws Exception {
        String handler = (String) TEMPLATE.resource(functionLogicalId).property("Handler");
        assertThat(handler).as(functionLogicalId).contains("::");
        String className = handler.substring(0, handler.indexOf("::"));
        String methodName = handler.substring(handler.indexOf("::") + 2);

        Class<?> type = Class.forName(className, false, TemplateMatchesCodeTest.class.getClassLoader());
        Method method = type.getMethod(methodName, APIGatewayProxyRequestEvent.class, Context.class);

        assertThat(Modifier.isPublic(type.getModifiers())).as(handler).isTrue();
        assertThat(type.getConstructor()).as("Lambda builds the handler with its no-argument constructor").isNotNull();
        assertThat(method.getReturnType()).as(handler).isEqualTo(APIGatewayProxyResponseEvent.class);
        return method;
    }

    @Test
    void sendsEveryMethodOnEventsAndEveryOtherPathToTheLambdaSoErrorsAreProblemResponses() {
        for (String method : new String[] {"EventsMethod", "OtherPathsMethod"}) {
            assertThat(TEMPLATE.resource(method).property("HttpMethod")).as(method).isEqualTo("ANY");
            assertThat(TEMPLATE.resource(method).property("Integration", "Type")).as(method).isEqualTo("AWS_PROXY");
        }
        assertThat(TEMPLATE.resource("OtherPathsResource").property("PathPart")).isEqualTo("{proxy+}");
    }

    @Test
    void theLambdaEnvironmentUsesTheIngestsVariableNames() throws Exception {
        Set<String> known = ingestVariableNames();
        Map<String, Object> variables = variables("IngestFunction");

        assertThat(known).contains(IngestSettings.EVENTS_STREAM_NAME, IngestSettings.MAX_BODY_BYTES);
        assertThat(variables.keySet()).isSubsetOf(known)
                .contains(IngestSettings.EVENTS_STREAM_NAME)
                // The local emulator's settings never reach AWS; AWS_REGION is Lambda's own (reserved) variable.
                .doesNotContain(IngestSettings.EVENTS_STREAM_ENDPOINT, IngestSettings.LOCAL_INGEST_PORT,
                        IngestSettings.AWS_REGION);
        assertThat(variables.get(IngestSettings.EVENTS_STREAM_NAME)).isEqualTo(Map.of("Ref", "EventsStream"));
    }

    @Test
    void theIngestAcceptsTheEnvironmentTheStackGivesIt() {
        Map<String, String> environment = environmentOnLambda("IngestFunction", STACK);
        IngestSettings settings = IngestSettings.from(environment);
        ReadSettings history = ReadSettings.historyFrom(environment);

        assertThat(settings.streamName()).isEqualTo("backbone-events");
        assertThat(settings.endpoint()).isNull();
        assertThat(history.eventsTable()).isEqualTo("backbone-events");
        assertThat(history.projectionsTable()).isEqualTo("backbone-projections");
        assertThat(history.endpoint()).isNull();
    }

    @Test
    void theIngestParametersDefaultAndAreBoundedAsTheIngestIs() {
        assertParameter("IngestMaxBodyBytes", IngestSettings.DEFAULT_MAX_BODY_BYTES, 1, IngestSettings.MAX_BODY_BYTES_CEILING);
        assertParameter("IngestMaxBatchEvents", IngestSettings.DEFAULT_MAX_BATCH_EVENTS, 1, EnvelopeLimits.MAX_BATCH_EVENTS);
        assertParameter("IngestPutRetryBudgetMillis", IngestSettings.DEFAULT_PUT_RETRY_BUDGET_MILLIS, 0,
                IngestSettings.PUT_RETRY_BUDGET_CEILING_MILLIS);
        // The function must outlive the longest retry budget by 2 s (the ingest's own advice), and answer
        // before API Gateway gives up (29 s).
        int timeout = (Integer) TEMPLATE.resource("IngestFunction").property("Timeout");
        assertThat(timeout * 1000L).isGreaterThanOrEqualTo(IngestSettings.PUT_RETRY_BUDGET_CEILING_MILLIS + 2_000L)
                .isLessThan(29_000L);
    }

    // ------------------------------------------------------------------ the Flink applications

    @Test
    void theJobJarsMainClassIsTheEventStoreJobWithAMainMethod() throws Exception {
        Document pom = Repository.pom("flink-job");
        String mainClass = null;
        NodeList transformers = pom.getElementsByTagName("transformer");
        for (int i = 0; i < transformers.getLength(); i++) {
            Element transformer = (Element) transformers.item(i);
            if (transformer.getAttribute("implementation").endsWith("ManifestResourceTransformer")) {
                mainClass = transformer.getElementsByTagName("mainClass").item(0).getTextContent().trim();
            }
        }
        assertThat(mainClass).as("Managed Flink runs the Main-Class of the shaded jar's manifest")
                .isEqualTo("io.eventbackbone.job.EventStoreJob");

        Method main = Class.forName(mainClass, false, getClass().getClassLoader()).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers())).isTrue();
    }

    @Test
    void theDeployScriptUploadsTheShadedJobJar() throws Exception {
        String classifier = Repository.pom("flink-job").getElementsByTagName("shadedClassifierName").item(0)
                .getTextContent().trim();

        assertThat(Files.readString(Repository.CLOUDFORMATION.resolve("deploy.sh")))
                .contains("flink-job/target/flink-job-*-" + classifier + ".jar");
    }

    @Test
    void everyApplicationPropertyIsASettingOfItsGroupUnderItsCurrentKey() {
        for (Resource application : TEMPLATE.resourcesOfType(CloudFormationTemplate.FLINK_APPLICATION)) {
            rawPropertyGroups(application).forEach((group, keys) -> {
                assertThat(group).as(application + " property group").isIn(JobOptions.GROUP, JobOptions.REPLAY_GROUP);
                for (String key : keys.keySet()) {
                    Setting<?> setting = JobOptions.named(key);
                    assertThat(setting).as(application + ": " + key + " is no setting of JobOptions").isNotNull();
                    assertThat(setting.key()).as(application + ": " + key + " is a former name").isEqualTo(key);
                    assertThat(setting.group()).as(application + ": group of " + key).isEqualTo(group);
                }
            });
        }
    }

    @Test
    void noApplicationCarriesLocalOnlyKeys() {
        Set<String> localOnly = new TreeSet<>();
        for (Setting<?> setting : List.of(JobOptions.KINESIS_ENDPOINT, JobOptions.DYNAMODB_ENDPOINT,
                JobOptions.AWS_ACCESS_KEY_ID, JobOptions.AWS_SECRET_KEY)) {
            localOnly.addAll(setting.names());
        }
        for (Resource application : TEMPLATE.resourcesOfType(CloudFormationTemplate.FLINK_APPLICATION)) {
            rawPropertyGroups(application).values().forEach(keys -> assertThat(keys.keySet())
                    .as(application.toString())
                    .doesNotContainAnyElementsOf(localOnly)
                    .noneMatch(key -> key.startsWith("local.")));
        }
    }

    @Test
    void theStreamingApplicationIsGivenEveryKeyWithoutADefault() {
        Map<String, String> eventStore = TEMPLATE.propertyGroups("EventStoreApplication", STACK).get(JobOptions.GROUP);

        assertThat(eventStore).containsEntry(JobOptions.AWS_REGION.key(), "eu-west-1")
                .containsEntry(JobOptions.EVENTS_STREAM_ARN.key(), "arn:aws:kinesis:eu-west-1:123456789012:stream/backbone-events")
                .containsEntry(JobOptions.EVENTS_TABLE.key(), "backbone-events")
                .containsEntry(JobOptions.TIME_INDEX_TABLE.key(), "backbone-time-index")
                .containsEntry(JobOptions.PROJECTIONS_TABLE.key(), "backbone-projections")
                .containsEntry(JobOptions.REJECTIONS_TABLE.key(), "backbone-rejections");
        JobConfig config = JobConfig.fromGroups(TEMPLATE.propertyGroups("EventStoreApplication", STACK));
        assertThat(config.require(JobOptions.MODE)).isEqualTo(JobOptions.Mode.STREAMING);
        TimeIndexSettings index = TimeIndexSettings.from(config);
        assertThat(index.tableName).isEqualTo("backbone-time-index");
        assertThat(index.slices).isEqualTo(JobOptions.TIME_INDEX_SLICES.defaultValue());
        assertThat(index.bucketMillis).isEqualTo(JobOptions.TIME_INDEX_BUCKET_MILLIS.defaultValue());
    }

    @Test
    void theReplayApplicationLeavesTheWindowToTheLauncher() {
        Map<String, Map<String, String>> groups = TEMPLATE.propertyGroups("ReplayApplication", STACK);

        assertThat(groups.get(JobOptions.GROUP)).containsEntry(JobOptions.MODE.key(), "replay")
                .containsEntry(JobOptions.PLAYBACK_STREAM_ARN.key(), "arn:aws:kinesis:eu-west-1:123456789012:stream/backbone-playback")
                .containsEntry(JobOptions.EVENTS_TABLE.key(), "backbone-events")
                .containsEntry(JobOptions.TIME_INDEX_TABLE.key(), "backbone-time-index")
                .containsEntry(JobOptions.PROJECTIONS_TABLE.key(), "backbone-projections");
        assertThat(groups).doesNotContainKey(JobOptions.REPLAY_GROUP);

        // With a window, as start-replay.sh sets it, the job accepts the request.
        Map<String, Map<String, String>> launched = new LinkedHashMap<>(groups);
        launched.put(JobOptions.REPLAY_GROUP, Map.of(JobOptions.REPLAY_FROM.key(), "2026-01-01T00:00:00Z",
                JobOptions.REPLAY_TO.key(), "2026-01-02T00:00:00Z"));
        ReplayRequest request = ReplayRequest.from(JobConfig.fromGroups(launched));
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.PLAYBACK);
    }

    @Test
    void bothApplicationsUseTheSameTimeIndexTableSlicesAndBuckets() {
        for (Setting<?> key : List.of(JobOptions.TIME_INDEX_TABLE, JobOptions.TIME_INDEX_SLICES, JobOptions.TIME_INDEX_BUCKET_MILLIS)) {
            Object streaming = rawPropertyGroups(TEMPLATE.resource("EventStoreApplication")).get(JobOptions.GROUP).get(key.key());
            Object replay = rawPropertyGroups(TEMPLATE.resource("ReplayApplication")).get(JobOptions.GROUP).get(key.key());
            assertThat(streaming).as(key.key()).isNotNull().isEqualTo(replay).isInstanceOf(Map.class);
        }
        // The table the stack creates, not the job's default name.
        assertThat(rawPropertyGroups(TEMPLATE.resource("ReplayApplication")).get(JobOptions.GROUP)
                .get(JobOptions.TIME_INDEX_TABLE.key())).isEqualTo(Map.of("Ref", "TimeIndexTable"));
    }

    @Test
    void eachParameterGivenToTheJobHasTheTypeDefaultAndRangeOfItsSetting() {
        Map<String, Setting<?>> fed = parametersFeedingSettings();

        assertThat(fed).containsKeys("TimeIndexSlices", "TimeIndexBucketMillis", "DedupeMaxEventIds", "DedupeRetentionMillis");
        fed.forEach((name, setting) -> {
            Map<String, Object> parameter = TEMPLATE.parameter(name);
            Object defaultValue = setting.defaultValue();
            boolean numeric = defaultValue instanceof Integer || defaultValue instanceof Long || setting.isBounded();
            assertThat(parameter.get("Type")).as(name + " Type").isEqualTo(numeric ? "Number" : "String");
            assertThat(TEMPLATE.parameterDefault(name)).as(name + " Default")
                    .isEqualTo(defaultValue == null ? null : String.valueOf(defaultValue));
            assertThat(parameter.get("MinValue")).as(name + " MinValue").isEqualTo(number(setting.min()));
            assertThat(parameter.get("MaxValue")).as(name + " MaxValue").isEqualTo(number(setting.max()));
        });
    }

    @Test
    void noApplicationPropertyRepeatsTheDefaultOfItsSettingOrLiesOutsideItsRange() {
        for (Resource application : TEMPLATE.resourcesOfType(CloudFormationTemplate.FLINK_APPLICATION)) {
            rawPropertyGroups(application).forEach((group, properties) -> properties.forEach((key, value) -> {
                if (value instanceof Map) {
                    return; // a Ref to a parameter, checked above, or a name of the stack's own resources
                }
                Setting<?> setting = JobOptions.named(key);
                String text = CloudFormationTemplate.scalarText(value);
                Object parsed = setting.readFrom(Map.of(key, text));
                assertThat(parsed).as(application + ": " + key + " repeats the default").isNotEqualTo(setting.defaultValue());
            }));
        }
    }

    @Test
    void eachApplicationRunsTheJobJarOnFlink120WithCustomCheckpointing() {
        for (Resource application : TEMPLATE.resourcesOfType(CloudFormationTemplate.FLINK_APPLICATION)) {
            assertThat(application.property("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
            assertThat(application.property("ApplicationConfiguration", "ApplicationCodeConfiguration", "CodeContentType"))
                    .isEqualTo("ZIPFILE");
            assertThat(application.property("ApplicationConfiguration", "ApplicationCodeConfiguration", "CodeContent",
                    "S3ContentLocation", "FileKey")).isEqualTo(Map.of("Ref", "FlinkJarKey"));
            assertThat(application.property("ApplicationConfiguration", "FlinkApplicationConfiguration",
                    "CheckpointConfiguration", "ConfigurationType")).isEqualTo("CUSTOM");
        }
        assertThat(TEMPLATE.resource("EventStoreApplication").property("ApplicationConfiguration",
                "ApplicationSnapshotConfiguration", "SnapshotsEnabled")).isEqualTo(true);
        assertThat(TEMPLATE.resourcesOfType("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption"))
                .extracting(r -> r.property("ApplicationName"))
                .containsExactlyInAnyOrder(Map.of("Ref", "EventStoreApplication"), Map.of("Ref", "ReplayApplication"));
    }

    // ------------------------------------------------------------------ external systems: effects and queries

    @Test
    void theGatewayHandlerIsTheEffectsGatewayHandlerTakingKinesisEvents() throws Exception {
        String handler = (String) TEMPLATE.resource("EffectsGatewayFunction").property("Handler");
        String[] parts = handler.split("::");

        assertThat(Class.forName(parts[0])).isEqualTo(EffectsGatewayHandler.class);
        Method method = EffectsGatewayHandler.class.getMethod(parts[1], KinesisEvent.class, Context.class);
        assertThat(method.getReturnType()).isEqualTo(StreamsEventResponse.class);
        assertThat(EffectsGatewayHandler.class.getConstructor()).isNotNull();
    }

    @Test
    void theGatewayEnvironmentIsGatewaySettingsVariablesAndTargetUrlsAndTheGatewayAcceptsIt() throws Exception {
        Map<String, Object> variables = variables("EffectsGatewayFunction");
        Set<String> known = constantNames(GatewaySettings.class);

        assertThat(variables.keySet()).allSatisfy(name -> assertThat(known.contains(name)
                || name.endsWith(GatewaySettings.URL_SUFFIX)).as(name).isTrue());
        assertThat(variables).containsEntry(GatewaySettings.PARKED_EFFECTS_TABLE_NAME, Map.of("Ref", "ParkedEffectsTable"))
                .containsEntry(GatewaySettings.RETRY_DEADLINE_MILLIS, Map.of("Ref", "EffectsRetryDeadlineMillis"))
                .containsEntry(GatewaySettings.urlVariable(AccountLogic.NOTIFICATIONS_TARGET), Map.of("Ref", "NotificationsUrl"))
                .doesNotContainKeys(GatewaySettings.DYNAMODB_ENDPOINT, GatewaySettings.KINESIS_ENDPOINT,
                        GatewaySettings.AWS_REGION);

        TemplateBindings withUrl = STACK.withParameter("NotificationsUrl", "https://hooks.example.com/notify");
        GatewaySettings settings = GatewaySettings.from(environmentOnLambda("EffectsGatewayFunction", withUrl));
        assertThat(settings.parkedEffectsTable()).isEqualTo("backbone-parked-effects");
        assertThat(settings.targetUrl(AccountLogic.NOTIFICATIONS_TARGET)).hasValueSatisfying(
                url -> assertThat(url).hasToString("https://hooks.example.com/notify"));
        assertThat(GatewaySettings.from(environmentOnLambda("EffectsGatewayFunction", STACK))
                .targetUrl(AccountLogic.NOTIFICATIONS_TARGET)).as("no URL by default").isEmpty();
    }

    @Test
    void theRetryDeadlineParameterDefaultsAndIsBoundedAsTheGatewayIs() {
        assertParameter("EffectsRetryDeadlineMillis", GatewaySettings.DEFAULT_RETRY_DEADLINE_MILLIS,
                GatewaySettings.MIN_RETRY_DEADLINE_MILLIS, GatewaySettings.MAX_RETRY_DEADLINE_MILLIS);
    }

    @Test
    void theEventSourceMappingDeliversEachShardInOrderAndOutlastsTheGatewaysRetryDeadline() {
        Resource mapping = TEMPLATE.resource("EffectsGatewayEventSource");

        assertThat(mapping.property("EventSourceArn")).isEqualTo(Map.of("Fn::GetAtt", List.of("EffectsStream", "Arn")));
        assertThat(mapping.property("FunctionName")).isEqualTo(Map.of("Ref", "EffectsGatewayFunction"));
        assertThat(mapping.property("ParallelizationFactor")).isEqualTo(1);
        assertThat(mapping.property("StartingPosition")).isEqualTo("TRIM_HORIZON");
        assertThat(mapping.list("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
        assertThat(mapping.property("BisectBatchOnFunctionError")).isEqualTo(false);
        assertThat(mapping.property("DestinationConfig", "OnFailure", "Destination"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("EffectsUndeliveredQueue", "Arn")));
        // The gateway parks what keeps failing before the mapping would give the record up.
        assertThat(((Number) mapping.property("MaximumRecordAgeInSeconds")).longValue() * 1000)
                .isGreaterThan(GatewaySettings.MAX_RETRY_DEADLINE_MILLIS);
        // An invocation has time for attempts beyond the one it stops before.
        assertThat(((Number) TEMPLATE.resource("EffectsGatewayFunction").property("Timeout")).longValue() * 1000)
                .isGreaterThan(2 * GatewaySettings.MAX_ATTEMPT_TIMEOUT_MILLIS);
    }

    @Test
    void theStreamingApplicationIsGivenTheResponsesTableTheEffectsStreamAndTheFxTargetWhenOneIsSet() {
        Map<String, String> eventStore = TEMPLATE.propertyGroups("EventStoreApplication", STACK).get(JobOptions.GROUP);
        Map<String, String> replay = TEMPLATE.propertyGroups("ReplayApplication", STACK).get(JobOptions.GROUP);

        assertThat(eventStore).containsEntry(JobOptions.RESPONSES_TABLE.key(), "backbone-responses")
                .containsEntry(JobOptions.EFFECTS_STREAM_ARN.key(), "arn:aws:kinesis:eu-west-1:123456789012:stream/backbone-effects")
                .containsEntry(JobOptions.ACCOUNT_LARGE_WITHDRAWAL.key(), JobOptions.ACCOUNT_LARGE_WITHDRAWAL.defaultValue())
                .doesNotContainKey("external.fx.url");
        assertThat(replay).containsEntry(JobOptions.EFFECTS_STREAM_ARN.key(),
                "arn:aws:kinesis:eu-west-1:123456789012:stream/backbone-effects")
                .doesNotContainKey(JobOptions.RESPONSES_TABLE.key());
        assertThat(TEMPLATE.propertyGroups("EventStoreApplication", STACK.withParameter("FxUrl", "https://fx.example.com"))
                .get(JobOptions.GROUP)).containsEntry("external.fx.url", "https://fx.example.com");
    }

    @Test
    void theResponsesExpireAndTheParkedEffectsAreKeptAsTheCodeDefinesThem() {
        Map<String, CreateTableRequest> tables = TEMPLATE.tables(STACK).stream()
                .collect(Collectors.toMap(CreateTableRequest::tableName, Function.identity()));

        assertThat(tables.get("backbone-responses")).isEqualTo(ResponsesTable.createTableRequest("backbone-responses"));
        assertThat(tables.get("backbone-parked-effects"))
                .isEqualTo(ParkedEffectsTable.createTableRequest("backbone-parked-effects"));
        assertThat(TEMPLATE.resource("ResponsesTable").property("TimeToLiveSpecification"))
                .isEqualTo(Map.of("AttributeName", ResponsesTable.EXPIRES_AT, "Enabled", true));
        Resource parked = TEMPLATE.resource("ParkedEffectsTable");
        assertThat(parked.attribute("DeletionPolicy")).isEqualTo("Retain");
        assertThat(parked.property("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")).isEqualTo(true);
    }

    // ------------------------------------------------------------------ tables, streams, outputs

    @Test
    void theEventLogAndItsTimeIndexOutliveTheStackAndAreRecoverable() {
        // Without its index the event log cannot be replayed by time: both are kept, and restorable.
        for (String id : List.of("EventsTable", "TimeIndexTable")) {
            Resource table = TEMPLATE.resource(id);
            assertThat(table.attribute("DeletionPolicy")).as(id).isEqualTo("Retain");
            assertThat(table.attribute("UpdateReplacePolicy")).as(id).isEqualTo("Retain");
            assertThat(table.property("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")).as(id).isEqualTo(true);
        }
        for (Resource table : TEMPLATE.resourcesOfType(CloudFormationTemplate.DYNAMODB_TABLE)) {
            assertThat(table.property("SSESpecification", "SSEEnabled")).as(table.toString()).isEqualTo(true);
            assertThat(table.property("BillingMode")).as(table.toString()).isEqualTo("PAY_PER_REQUEST");
        }
    }

    @Test
    void theTimeIndexTableIsTheOneTheCodeDefinesAndTheEventsTableHasNoIndex() {
        Map<String, CreateTableRequest> tables = TEMPLATE.tables(STACK).stream()
                .collect(Collectors.toMap(CreateTableRequest::tableName, Function.identity()));

        assertThat(TEMPLATE.physicalName(TEMPLATE.resource("TimeIndexTable"), STACK)).isEqualTo("backbone-time-index");
        assertThat(tables.get("backbone-time-index")).isEqualTo(TimeIndex.createTableRequest("backbone-time-index"));
        assertThat(tables.get("backbone-events")).isEqualTo(EventsTable.createTableRequest("backbone-events"));
        assertThat(TEMPLATE.resource("EventsTable").properties())
                .doesNotContainKeys("GlobalSecondaryIndexes", "LocalSecondaryIndexes");
    }

    @Test
    void bothStreamsAreEncryptedAndSizedByOneMode() {
        for (Resource stream : TEMPLATE.resourcesOfType(CloudFormationTemplate.KINESIS_STREAM)) {
            assertThat(stream.property("StreamEncryption", "EncryptionType")).as(stream.toString()).isEqualTo("KMS");
            assertThat(stream.property("StreamEncryption", "KeyId")).isEqualTo("alias/aws/kinesis");
            assertThat(stream.property("StreamModeDetails", "StreamMode")).isEqualTo(Map.of("Ref", "StreamMode"));
            assertThat(stream.property("ShardCount")).asString().contains("Fn::If=[ProvisionedStreams").contains("AWS::NoValue");
        }
    }

    @Test
    void theOutputsNameEveryResourceTheScriptsAndOperatorsNeed() {
        Set<String> referenced = new TreeSet<>();
        TEMPLATE.outputs().values().forEach(output ->
                referenced.addAll(CloudFormationTemplate.references(((Map<?, ?>) output).get("Value"))));
        Set<String> needed = TEMPLATE.resources().stream()
                .filter(r -> Set.of(CloudFormationTemplate.DYNAMODB_TABLE, CloudFormationTemplate.KINESIS_STREAM,
                        CloudFormationTemplate.FLINK_APPLICATION, CloudFormationTemplate.LAMBDA_FUNCTION,
                        CloudFormationTemplate.IAM_ROLE, "AWS::IAM::ManagedPolicy", "AWS::Logs::LogGroup",
                        "AWS::ApiGateway::RestApi")
                        .contains(r.type()))
                .map(Resource::logicalId).collect(Collectors.toCollection(TreeSet::new));

        assertThat(referenced).containsAll(needed);
        assertThat(TEMPLATE.outputs()).containsKeys("ApiUrl", "EventStoreApplicationName", "ReplayApplicationName");
    }

    @Test
    void theApplicationNamesAreTheOnesTheScriptsAssumeInADryRun() {
        assertThat(TEMPLATE.resource("EventStoreApplication").property("ApplicationName"))
                .isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-event-store"));
        assertThat(TEMPLATE.resource("ReplayApplication").property("ApplicationName"))
                .isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-replay"));
    }

    // ------------------------------------------------------------------ helpers

    /** A function's environment variables as the template writes them. */
    static Map<String, Object> variables(String functionLogicalId) {
        return CloudFormationTemplate.asMap(TEMPLATE.resource(functionLogicalId).property("Environment", "Variables"),
                functionLogicalId + " environment");
    }

    /** What the function finds in its environment on Lambda: its variables resolved for the stack, and AWS_REGION. */
    static Map<String, String> environmentOnLambda(String functionLogicalId, TemplateBindings stack) {
        Map<String, String> environment = new HashMap<>();
        variables(functionLogicalId).forEach((name, value) -> environment.put(name, TEMPLATE.resolveText(value, stack)));
        environment.put("AWS_REGION", stack.pseudo("AWS::Region"));
        return environment;
    }

    /** The constants of IngestSettings that name environment variables (their value is their own name). */
    private static Set<String> ingestVariableNames() throws IllegalAccessException {
        return constantNames(IngestSettings.class);
    }

    /** The constants of a settings class that name environment variables (their value is their own name). */
    private static Set<String> constantNames(Class<?> settings) throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : settings.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.get(null).equals(field.getName())) {
                names.add(field.getName());
            }
        }
        return names;
    }

    private static Map<String, Map<String, Object>> rawPropertyGroups(Resource application) {
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (Object group : application.list("ApplicationConfiguration", "EnvironmentProperties", "PropertyGroups")) {
            Map<String, Object> definition = CloudFormationTemplate.asMap(group, application.logicalId());
            groups.put((String) definition.get("PropertyGroupId"),
                    CloudFormationTemplate.asMap(definition.get("PropertyMap"), application.logicalId()));
        }
        return groups;
    }

    /** Each parameter that is the whole value of an application property, with that property's setting. */
    private static Map<String, Setting<?>> parametersFeedingSettings() {
        Map<String, Setting<?>> fed = new TreeMap<>();
        for (Resource application : TEMPLATE.resourcesOfType(CloudFormationTemplate.FLINK_APPLICATION)) {
            rawPropertyGroups(application).values().forEach(properties -> properties.forEach((key, value) -> {
                if (value instanceof Map && ((Map<?, ?>) value).size() == 1 && ((Map<?, ?>) value).containsKey("Ref")
                        && TEMPLATE.section("Parameters").containsKey(String.valueOf(((Map<?, ?>) value).get("Ref")))) {
                    Setting<?> previous = fed.put(String.valueOf(((Map<?, ?>) value).get("Ref")), JobOptions.named(key));
                    assertThat(previous).as("one parameter feeds one setting").isIn(null, JobOptions.named(key));
                }
            }));
        }
        return fed;
    }

    /** A bound as the template writes it: a whole number, or nothing. */
    private static Object number(Object bound) {
        if (bound == null) {
            return null;
        }
        long value = ((Number) bound).longValue();
        return value == (int) value ? (Object) (int) value : (Object) value;
    }

    private static void assertParameter(String name, long codeDefault, long codeMin, long codeMax) {
        Map<String, Object> parameter = TEMPLATE.parameter(name);
        assertThat(TEMPLATE.parameterDefault(name)).as(name + " default").isEqualTo(Long.toString(codeDefault));
        assertThat(((Number) parameter.get("MinValue")).longValue()).as(name + " MinValue").isGreaterThanOrEqualTo(codeMin);
        assertThat(((Number) parameter.get("MaxValue")).longValue()).as(name + " MaxValue").isLessThanOrEqualTo(codeMax);
    }

}
