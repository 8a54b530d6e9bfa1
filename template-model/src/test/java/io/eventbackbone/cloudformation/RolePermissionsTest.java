package io.eventbackbone.cloudformation;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.eventbackbone.cloudformation.CloudFormationTemplate.Resource;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.RejectionsTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Each role grants what the code it runs calls, and nothing else: the AWS SDK calls found in the compiled
 * classes (ours, and those of the Kinesis connector's source; {@link SdkOperationCalls}) are mapped to IAM
 * actions by an explicit table, and compared with the role's statements. A call with no mapping, or a class
 * with calls that no role is said to run, fails here until someone decides what it needs. For DynamoDB the
 * check goes down to the table: each class that reaches a table says which tables, under which role, and
 * each role's DynamoDB grants name exactly those tables. The support staff's managed policy is held to the read
 * function's reads, plus calling the read routes with GET.
 */
class RolePermissionsTest {

    static final String INGEST_ROLE = "IngestFunctionRole";
    static final String EVENT_STORE_ROLE = "EventStoreApplicationRole";
    static final String REPLAY_ROLE = "ReplayApplicationRole";
    static final String READ_ROLE = "ReadFunctionRole";
    static final String SUPPORT_POLICY = "SupportReadPolicy";
    static final String SUPPORT_REVERSAL_POLICY = "SupportReversalPolicy";
    static final String GATEWAY_ROLE = "EffectsGatewayRole";
    static final String SUPPORT_RESEND_POLICY = "SupportResendPolicy";
    /** The local stack's own code, run on a developer's machine under no role of the template. */
    static final String LOCAL_ONLY = "local only";
    private static final String JOB = "io.eventbackbone.job.";
    private static final String READ = "io.eventbackbone.read.";
    private static final String EFFECTS = "io.eventbackbone.effects.";

    /** SDK operation (service.operation) to the IAM action that authorises it. */
    static final Map<String, String> IAM_ACTIONS = Map.ofEntries(
            entry("dynamodb.batchWriteItem", "dynamodb:BatchWriteItem"),
            entry("dynamodb.batchGetItem", "dynamodb:BatchGetItem"),
            entry("dynamodb.scan", "dynamodb:Scan"),
            entry("dynamodb.putItem", "dynamodb:PutItem"),
            entry("dynamodb.getItem", "dynamodb:GetItem"),
            entry("dynamodb.updateItem", "dynamodb:UpdateItem"),
            entry("dynamodb.query", "dynamodb:Query"),
            entry("dynamodb.deleteItem", "dynamodb:DeleteItem"),
            entry("kinesis.putRecord", "kinesis:PutRecord"),
            entry("dynamodb.queryPaginator", "dynamodb:Query"),
            entry("kinesis.putRecords", "kinesis:PutRecords"),
            entry("kinesis.describeStreamSummary", "kinesis:DescribeStreamSummary"),
            entry("kinesis.listShards", "kinesis:ListShards"),
            entry("kinesis.getShardIterator", "kinesis:GetShardIterator"),
            entry("kinesis.getRecords", "kinesis:GetRecords"));

    /** What the FLIP-27 Kinesis source of connector 4.3 (polling) calls; checked against its bytecode below. */
    static final Set<String> KINESIS_SOURCE_OPERATIONS = Set.of("listShards", "getShardIterator", "getRecords");
    static final String KINESIS_SOURCE_CLASS = JOB + "source.EventsStreamSource";

    /** The compiled code each role runs: the job's classes, the ingest's, and the connector's source. */
    static final JavaClasses FLINK_JOB_CLASSES = SdkOperationCalls.mainClasses("io.eventbackbone.job");
    /** The ingest's own classes, and the read API's, whose reads it runs to read an aggregate's log for a reversal. */
    static final JavaClasses INGEST_CLASSES = SdkOperationCalls.mainClasses("io.eventbackbone.ingest",
            "io.eventbackbone.read");
    static final JavaClasses READ_CLASSES = SdkOperationCalls.mainClasses("io.eventbackbone.read");
    static final JavaClasses GATEWAY_MODULE_CLASSES = SdkOperationCalls.mainClasses("io.eventbackbone.effects");

    /**
     * Who runs the AWS calls of each class of the gateway's module: the function parks (its reads of the stream
     * are the event source mapping's), support re-sends, and the local poller stands in for the mapping.
     */
    static final Map<String, String> GATEWAY_CLASS_ROLES = Map.of(
            EFFECTS + "ParkingLot", GATEWAY_ROLE,
            EFFECTS + "ParkedEffects", SUPPORT_RESEND_POLICY,
            EFFECTS + "local.EffectsStreamPoller", LOCAL_ONLY);
    /** What the event source mapping does with the gateway function's role: read the stream, fill its queue. */
    static final Set<String> EVENT_SOURCE_MAPPING_ACTIONS = Set.of("kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords",
            "sqs:SendMessage");

    static final JavaClasses KINESIS_SOURCE_CLASSES =
            SdkOperationCalls.mainClasses("org.apache.flink.connector.kinesis.source");

    /** Which application runs the AWS calls of each flink-job class that makes some (and of the connector's source). */
    static final Map<String, Set<String>> FLINK_CLASS_ROLES = Map.ofEntries(
            // The events, rejections and projections sinks, the rebuild's sink and the time index rebuild's writer.
            Map.entry(JOB + "sink.WriteRequests", Set.of(EVENT_STORE_ROLE, REPLAY_ROLE)),
            Map.entry(KINESIS_SOURCE_CLASS, Set.of(EVENT_STORE_ROLE)),
            Map.entry(JOB + "process.DynamoDbAggregateHistory", Set.of(EVENT_STORE_ROLE)),
            // The source's own Kinesis calls: ListShards for its enumerator, GetShardIterator and GetRecords.
            Map.entry(JOB + "source.KinesisShardProxy", Set.of(EVENT_STORE_ROLE)),
            // The query stage's write-ahead log of answers, and the outbox the live job writes.
            Map.entry(JOB + "external.DynamoDbResponseLog", Set.of(EVENT_STORE_ROLE)),
            Map.entry(JOB + "sink.EffectsStreamSink", Set.of(EVENT_STORE_ROLE)),
            Map.entry(JOB + "replay.SliceReader", Set.of(REPLAY_ROLE)),
            Map.entry(JOB + "replay.PlaybackSink", Set.of(REPLAY_ROLE)),
            Map.entry(JOB + "replay.RebuildTarget", Set.of(REPLAY_ROLE)),
            Map.entry(JOB + "replay.ScanEventsSegment", Set.of(REPLAY_ROLE)),
            Map.entry(JOB + "replay.BugFixPreview", Set.of(REPLAY_ROLE)),
            // A bug-fix apply asked to send its compensations puts them on the effects stream.
            Map.entry(JOB + "replay.CompensationSender", Set.of(REPLAY_ROLE)));

    static final String TABLE_WRITES_CLASS = JOB + "sink.WriteRequests";
    /** WriteRequests' helpers, by the IAM action of the one call each makes: the class calling one names the table. */
    static final Map<String, String> TABLE_WRITES_HELPERS = Map.of(
            "batchPut", "dynamodb:BatchWriteItem",
            "putIfNewer", "dynamodb:PutItem");
    /** WriteRequests helpers that only build requests and send nothing. */
    static final Set<String> TABLE_WRITES_REQUEST_BUILDERS = Set.of("put", "putBatches");

    /** One DynamoDB action a flink-job class takes under a role, and the tables (named after the stack) it takes it on. */
    static final class TableAccess {
        final String className;
        final String role;
        final String action;
        final Set<String> tables;

        TableAccess(String className, String role, String action, String... tables) {
            this.className = className;
            this.role = role;
            this.action = action;
            this.tables = new TreeSet<>(Arrays.asList(tables));
        }

        @Override
        public String toString() {
            return className + ": " + role + " " + action + " on " + tables;
        }
    }

    /**
     * Which tables the DynamoDB calls of each flink-job class reach, and under which role; WriteRequests' calls
     * count in the classes that call its helpers. Tables are STACK-name, {@code rebuild-*} the rebuild tables.
     */
    static final List<TableAccess> TABLE_ACCESS = List.of(
            // The events sink writes events, then the time index chunks listing them; the rejections sink is one too.
            new TableAccess(JOB + "sink.BatchPutSink", EVENT_STORE_ROLE, "dynamodb:BatchWriteItem",
                    "events", "time-index", "rejections"),
            new TableAccess(JOB + "sink.ProjectionSink", EVENT_STORE_ROLE, "dynamodb:PutItem",
                    "projections"),
            // An aggregate without keyed state is read back: its latest events, then its projection.
            new TableAccess(JOB + "external.DynamoDbResponseLog", EVENT_STORE_ROLE, "dynamodb:GetItem", "responses"),
            new TableAccess(JOB + "external.DynamoDbResponseLog", EVENT_STORE_ROLE, "dynamodb:PutItem", "responses"),
            new TableAccess(JOB + "process.DynamoDbAggregateHistory", EVENT_STORE_ROLE,
                    "dynamodb:Query", "events"),
            new TableAccess(JOB + "process.DynamoDbAggregateHistory", EVENT_STORE_ROLE,
                    "dynamodb:GetItem", "projections"),
            // A replay reads the time index's chunks of a slice, then exactly the events they list.
            new TableAccess(JOB + "replay.SliceReader", REPLAY_ROLE, "dynamodb:Query",
                    "time-index", "events"),
            new TableAccess(JOB + "replay.SliceReader", REPLAY_ROLE, "dynamodb:BatchGetItem",
                    "events"),
            new TableAccess(JOB + "replay.RebuildSink", REPLAY_ROLE, "dynamodb:PutItem",
                    "projections", "rebuild-*"),
            new TableAccess(JOB + "replay.RebuildSink", REPLAY_ROLE, "dynamodb:BatchWriteItem",
                    "projections", "rebuild-*"),
            new TableAccess(JOB + "replay.RebuildTarget", REPLAY_ROLE, "dynamodb:Scan",
                    "rebuild-*"),
            // A time index rebuild scans the events table, then appends the chunks listing them to the index.
            new TableAccess(JOB + "replay.ScanEventsSegment", REPLAY_ROLE, "dynamodb:Scan",
                    "events"),
            new TableAccess(JOB + "replay.TimeIndexChunkWriter", REPLAY_ROLE, "dynamodb:BatchWriteItem",
                    "time-index"),
            // A preview reads back the states it folded, compares them with the live ones (and the log behind
            // those), and marks the changed ones; an apply reads the marked ones (its writes are RebuildSink's).
            new TableAccess(JOB + "replay.BugFixPreview", REPLAY_ROLE, "dynamodb:Scan", "rebuild-*"),
            new TableAccess(JOB + "replay.BugFixPreview", REPLAY_ROLE, "dynamodb:BatchGetItem", "projections"),
            new TableAccess(JOB + "replay.BugFixPreview", REPLAY_ROLE, "dynamodb:Query", "events"),
            new TableAccess(JOB + "replay.BugFixPreview", REPLAY_ROLE, "dynamodb:UpdateItem", "rebuild-*"));

    /**
     * Which tables (or index) the DynamoDB calls of each read-api class reach, under each role that runs them. The
     * read function: events by key and by version range, the projection by key, rejections only through their
     * index by aggregate. The ingest, for a reversal, through HistoryReader alone: the projection by key and events
     * by version range (the newest version, the walk to a version, events by version); never an event by key (the
     * search by time) nor rejections (its ReadSettings name no rejections table).
     */
    static final List<TableAccess> READ_TABLE_ACCESS = List.of(
            new TableAccess(READ + "DynamoDbEventLog", READ_ROLE, "dynamodb:GetItem", "events", "projections"),
            new TableAccess(READ + "DynamoDbEventLog", READ_ROLE, "dynamodb:Query",
                    "events", "rejections/index/" + RejectionsTable.BY_AGGREGATE_INDEX,
                    "parked-effects/index/" + ParkedEffectsTable.BY_AGGREGATE_INDEX),
            new TableAccess(READ + "DynamoDbEventLog", INGEST_ROLE, "dynamodb:GetItem", "projections"),
            new TableAccess(READ + "DynamoDbEventLog", INGEST_ROLE, "dynamodb:Query", "events"));
    /** The read-api classes the ingest's own code may use: the reversal's reader, and what builds and feeds it. */
    static final Set<String> READ_CLASSES_THE_INGEST_USES = Set.of(READ + "HistoryReader", READ + "ReadSettings",
            READ + "DynamoDbClients", READ + "ReadProblem", READ + "ReadApi");

    /** Every IAM action that only reads: what the read role and the support policy may be granted, at most. */
    static final Set<String> DYNAMODB_READ_ACTIONS = Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem",
            "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem");

    /** What the platform does with a role besides running our code: read the job jar, write logs. */
    static final Set<String> MANAGED_FLINK_PLATFORM_ACTIONS = Set.of("s3:GetObject", "s3:GetObjectVersion",
            "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents");
    static final Set<String> LAMBDA_PLATFORM_ACTIONS = Set.of("logs:CreateLogStream", "logs:PutLogEvents");
    static final String MANAGED_POLICY = "AWS::IAM::ManagedPolicy";
    static final String INVOKE = "execute-api:Invoke";

    private static final CloudFormationTemplate TEMPLATE = Repository.TEMPLATE;
    private static final String STACK_NAME = "backbone";
    private static final TemplateBindings STACK = TemplateBindings.stack(STACK_NAME, "eu-west-1", "123456789012")
            .withAttribute("EffectsUndeliveredQueue", "Arn", "arn:aws:sqs:eu-west-1:123456789012:backbone-effects-undelivered")
            .withParameter("ArtifactBucket", "artifacts")
            .withParameter("FlinkJarKey", "jobs/flink-job.jar")
            .withParameter("LambdaJarKey", "jobs/ingest-lambda.jar")
            .withParameter("ReadJarKey", "jobs/read-api.jar")
            .withRef("RestApi", "a1b2c3d4e5")
            .withRef("ApiStage", "v1");

    /** One Allow statement of a role, its resources resolved for a stack named backbone. */
    static final class Grant {
        final String role;
        final String sid;
        final List<String> actions;
        final List<String> resources;

        Grant(String role, String sid, List<String> actions, List<String> resources) {
            this.role = role;
            this.sid = sid;
            this.actions = actions;
            this.resources = resources;
        }

        @Override
        public String toString() {
            return role + "/" + sid + " " + actions + " on " + resources;
        }
    }

    // ------------------------------------------------------------------ the code's calls

    /** The IAM actions for these calls; a call missing from the table is an error naming it. */
    static Set<String> iamActions(List<SdkOperationCalls.Call> calls) {
        Set<String> actions = new TreeSet<>();
        for (SdkOperationCalls.Call call : calls) {
            String action = IAM_ACTIONS.get(call.key());
            if (action == null) {
                throw new IllegalStateException("no IAM action is mapped for the SDK call " + call
                        + ": add it to RolePermissionsTest.IAM_ACTIONS and grant it to the role that runs it");
            }
            actions.add(action);
        }
        return actions;
    }

    /** Role to the IAM actions the code it runs needs. */
    static Map<String, Set<String>> actionsTheCodeNeeds() {
        Map<String, Set<String>> needed = new LinkedHashMap<>();
        needed.put(INGEST_ROLE, iamActions(SdkOperationCalls.in(INGEST_CLASSES)));
        needed.put(READ_ROLE, iamActions(SdkOperationCalls.in(READ_CLASSES)));
        for (SdkOperationCalls.Call call : SdkOperationCalls.in(GATEWAY_MODULE_CLASSES)) {
            String role = GATEWAY_CLASS_ROLES.get(call.className);
            if (role == null) {
                throw new IllegalStateException(call + ": say in RolePermissionsTest.GATEWAY_CLASS_ROLES who runs this"
                        + " class, and grant the call to its role");
            }
            needed.computeIfAbsent(role, r -> new TreeSet<>()).addAll(iamActions(List.of(call)));
        }
        List<SdkOperationCalls.Call> flinkCalls = new ArrayList<>(SdkOperationCalls.in(FLINK_JOB_CLASSES));
        for (String operation : KINESIS_SOURCE_OPERATIONS) {
            flinkCalls.add(new SdkOperationCalls.Call(KINESIS_SOURCE_CLASS, "kinesis", operation));
        }
        for (SdkOperationCalls.Call call : flinkCalls) {
            Set<String> roles = FLINK_CLASS_ROLES.get(call.className);
            if (roles == null) {
                throw new IllegalStateException(call + ": say in RolePermissionsTest.FLINK_CLASS_ROLES which "
                        + "application runs this class, and grant the call to its role");
            }
            for (String role : roles) {
                needed.computeIfAbsent(role, r -> new TreeSet<>()).addAll(iamActions(List.of(call)));
            }
        }
        return needed;
    }

    /**
     * The DynamoDB actions of each flink-job class: its own SDK calls, and its calls of WriteRequests' helpers
     * (WriteRequests itself is left out, its tables are its callers').
     */
    static Map<String, Set<String>> dynamoDbActionsByClass() {
        Map<String, Set<String>> actions = new TreeMap<>();
        for (SdkOperationCalls.Call call : SdkOperationCalls.in(FLINK_JOB_CLASSES)) {
            if (call.service.equals("dynamodb") && !call.className.equals(TABLE_WRITES_CLASS)) {
                actions.computeIfAbsent(call.className, c -> new TreeSet<>()).addAll(iamActions(List.of(call)));
            }
        }
        for (JavaClass javaClass : FLINK_JOB_CLASSES) {
            String caller = SdkOperationCalls.topLevelName(javaClass);
            if (caller.equals(TABLE_WRITES_CLASS)) {
                continue;
            }
            for (JavaAccess<?> access : SdkOperationCalls.accessesFrom(javaClass)) {
                String helper = access.getName();
                if (!access.getTargetOwner().getName().equals(TABLE_WRITES_CLASS)
                        || TABLE_WRITES_REQUEST_BUILDERS.contains(helper)) {
                    continue;
                }
                String action = TABLE_WRITES_HELPERS.get(helper);
                if (action == null) {
                    throw new IllegalStateException("WriteRequests." + helper + " in " + caller
                            + ": add it to RolePermissionsTest.TABLE_WRITES_HELPERS, or to TABLE_WRITES_REQUEST_BUILDERS if it sends nothing");
                }
                actions.computeIfAbsent(caller, c -> new TreeSet<>()).add(action);
            }
        }
        return actions;
    }

    /** The DynamoDB actions of each read-api class, from its own SDK calls. */
    static Map<String, Set<String>> readDynamoDbActionsByClass() {
        Map<String, Set<String>> actions = new TreeMap<>();
        for (SdkOperationCalls.Call call : SdkOperationCalls.in(READ_CLASSES)) {
            actions.computeIfAbsent(call.className, c -> new TreeSet<>()).addAll(iamActions(List.of(call)));
        }
        return actions;
    }

    /** Role to DynamoDB action to the table ARNs these accesses say its code reaches. */
    static Map<String, Map<String, Set<String>>> tableAccessByRole(List<TableAccess> accesses) {
        Map<String, Map<String, Set<String>>> byRole = new TreeMap<>();
        for (TableAccess access : accesses) {
            Set<String> arns = byRole.computeIfAbsent(access.role, r -> new TreeMap<>())
                    .computeIfAbsent(access.action, a -> new TreeSet<>());
            access.tables.forEach(table -> arns.add(arn("dynamodb", "table/" + STACK_NAME + "-" + table)));
        }
        return byRole;
    }

    // ------------------------------------------------------------------ the template's grants

    static List<Grant> grants(String roleId) {
        Resource role = TEMPLATE.resource(roleId);
        assertThat(role.type()).isEqualTo(CloudFormationTemplate.IAM_ROLE);
        assertThat(role.properties()).as(roleId + ": grants live in its inline Policies only")
                .doesNotContainKeys("ManagedPolicyArns", "PermissionsBoundary");
        List<Grant> grants = new ArrayList<>();
        for (Object policy : role.list("Policies")) {
            grants.addAll(statements(roleId, CloudFormationTemplate.asMap(policy, roleId).get("PolicyDocument")));
        }
        return grants;
    }

    /** The statements of a managed policy of the template. */
    static List<Grant> policyGrants(String policyId) {
        Resource policy = TEMPLATE.resource(policyId);
        assertThat(policy.type()).isEqualTo(MANAGED_POLICY);
        return statements(policyId, policy.property("PolicyDocument"));
    }

    /** A policy document's statements, each an Allow without Not* elements, resources resolved. */
    private static List<Grant> statements(String owner, Object policyDocument) {
        Map<String, Object> document = CloudFormationTemplate.asMap(policyDocument, owner);
        List<Grant> grants = new ArrayList<>();
        for (Object statement : CloudFormationTemplate.asList(document.get("Statement"), owner)) {
            Map<String, Object> s = CloudFormationTemplate.asMap(statement, owner);
            assertThat(s).as(owner).doesNotContainKeys("NotAction", "NotResource", "NotPrincipal", "Condition");
            assertThat(s.get("Effect")).as(owner).isEqualTo("Allow");
            grants.add(new Grant(owner, String.valueOf(s.get("Sid")), strings(s.get("Action")),
                    strings(TEMPLATE.resolve(s.get("Resource"), STACK))));
        }
        return grants;
    }

    static List<Grant> allGrants() {
        List<Grant> all = new ArrayList<>();
        for (Resource role : TEMPLATE.resourcesOfType(CloudFormationTemplate.IAM_ROLE)) {
            all.addAll(grants(role.logicalId()));
        }
        return all;
    }

    private static Set<String> grantedActions(String roleId) {
        return grants(roleId).stream().flatMap(g -> g.actions.stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> resourcesFor(String roleId, String action) {
        return grants(roleId).stream().filter(g -> g.actions.contains(action)).flatMap(g -> g.resources.stream())
                .collect(Collectors.toList());
    }

    /** The role's DynamoDB actions and the resources each is granted on. */
    private static Map<String, Set<String>> dynamoDbGrants(String roleId) {
        return dynamoDbGrants(grants(roleId));
    }

    private static Map<String, Set<String>> dynamoDbGrants(List<Grant> grants) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (Grant grant : grants) {
            for (String action : grant.actions) {
                if (action.startsWith("dynamodb:")) {
                    granted.computeIfAbsent(action, a -> new TreeSet<>()).addAll(grant.resources);
                }
            }
        }
        return granted;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List) {
            ((List<?>) value).forEach(v -> out.add(CloudFormationTemplate.scalarText(v)));
        } else {
            out.add(CloudFormationTemplate.scalarText(value));
        }
        return out;
    }

    /** Whether an execute-api ARN pattern of these ({@code *} matching any characters, {@code /} included) matches. */
    private static boolean invokes(List<String> patterns, String methodArn) {
        for (String pattern : patterns) {
            String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                    .collect(Collectors.joining(".*"));
            if (methodArn.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String arn(String service, String resource) {
        return "arn:aws:" + service + ":eu-west-1:123456789012:" + resource;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void theCallsWeKnowTheCodeMakesAreFoundInItsClasses() {
        Set<String> flink = SdkOperationCalls.in(FLINK_JOB_CLASSES).stream().map(SdkOperationCalls.Call::toString)
                .collect(Collectors.toSet());
        Set<String> ingest = SdkOperationCalls.in(INGEST_CLASSES).stream().map(SdkOperationCalls.Call::key)
                .collect(Collectors.toSet());
        Set<String> read = SdkOperationCalls.in(READ_CLASSES).stream().map(SdkOperationCalls.Call::toString)
                .collect(Collectors.toSet());

        assertThat(flink).contains(
                "dynamodb.batchWriteItem in io.eventbackbone.job.sink.WriteRequests",
                "dynamodb.putItem in io.eventbackbone.job.sink.WriteRequests",
                "dynamodb.query in io.eventbackbone.job.replay.SliceReader",
                "dynamodb.batchGetItem in io.eventbackbone.job.replay.SliceReader",
                "dynamodb.scan in io.eventbackbone.job.replay.ScanEventsSegment",
                "kinesis.putRecords in io.eventbackbone.job.replay.PlaybackSink",
                // Through the SDK the Kinesis connector shades under its own package.
                "kinesis.getRecords in io.eventbackbone.job.source.KinesisShardProxy");
        assertThat(ingest).contains("kinesis.putRecords", "dynamodb.query", "dynamodb.getItem");
        assertThat(read).contains("dynamodb.getItem in io.eventbackbone.read.DynamoDbEventLog",
                "dynamodb.query in io.eventbackbone.read.DynamoDbEventLog");
    }

    /** Deletes tables, which no role is granted; keeps a cache whose method is named like an operation. */
    static final class ItemCleaner {
        private final DynamoDbAsyncClient client;
        private final Map<String, String> cache = new java.util.HashMap<>();

        ItemCleaner(DynamoDbAsyncClient client) {
            this.client = client;
        }

        void clean(String key) {
            client.deleteTable(b -> b.tableName("t"));
            putItem(key);
        }

        /** Not an SDK call, though named like one. */
        void putItem(String key) {
            cache.put(key, key);
        }
    }

    @Test
    void aCallWithoutAnIamMappingFailsTheCheck() {
        List<SdkOperationCalls.Call> calls = SdkOperationCalls.in(new ClassFileImporter().importClasses(ItemCleaner.class));

        assertThat(calls).extracting(SdkOperationCalls.Call::key).containsExactly("dynamodb.deleteTable");
        assertThatThrownBy(() -> iamActions(calls))
                .hasMessageContaining("dynamodb.deleteTable in " + RolePermissionsTest.class.getName())
                .hasMessageContaining("IAM_ACTIONS");
    }

    @Test
    void theKinesisSourceCallsExactlyTheOperationsGrantedForIt() {
        assertThat(KINESIS_SOURCE_CLASSES.contain("org.apache.flink.connector.kinesis.source.KinesisStreamsSource"))
                .as("flink-connector-kinesis on the test class path").isTrue();
        Set<String> operations = SdkOperationCalls.in(KINESIS_SOURCE_CLASSES).stream()
                .filter(call -> call.service.equals("kinesis")).map(call -> call.operation)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(operations).isEqualTo(KINESIS_SOURCE_OPERATIONS);
    }

    @Test
    void everyFlinkClassWithAwsCallsIsRunByAKnownApplication() {
        Set<String> known = FLINK_CLASS_ROLES.keySet();
        noClasses().that(DescribedPredicate.describe("are not listed in FLINK_CLASS_ROLES",
                        (JavaClass c) -> !known.contains(SdkOperationCalls.topLevelName(c))))
                .should().accessTargetWhere(SdkOperationCalls.AN_SDK_OPERATION)
                .because("RolePermissionsTest.FLINK_CLASS_ROLES must say which application runs each AWS call")
                .check(FLINK_JOB_CLASSES);

        Set<String> calling = SdkOperationCalls.in(FLINK_JOB_CLASSES).stream().map(call -> call.className)
                .collect(Collectors.toCollection(TreeSet::new));
        calling.add(KINESIS_SOURCE_CLASS);
        assertThat(known).as("classes listed in FLINK_CLASS_ROLES that make no AWS call").isEqualTo(calling);
    }

    @Test
    void eachRoleGrantsWhatItsCodeCallsAndWhatItsPlatformNeedsAndNothingElse() {
        Map<String, Set<String>> needed = actionsTheCodeNeeds();
        Map<String, Set<String>> platform = Map.of(INGEST_ROLE, LAMBDA_PLATFORM_ACTIONS, READ_ROLE, LAMBDA_PLATFORM_ACTIONS,
                EVENT_STORE_ROLE, MANAGED_FLINK_PLATFORM_ACTIONS, REPLAY_ROLE, MANAGED_FLINK_PLATFORM_ACTIONS,
                GATEWAY_ROLE, union(LAMBDA_PLATFORM_ACTIONS, EVENT_SOURCE_MAPPING_ACTIONS));

        assertThat(TEMPLATE.resourcesOfType(CloudFormationTemplate.IAM_ROLE)).extracting(Resource::logicalId)
                .containsExactlyInAnyOrder(INGEST_ROLE, READ_ROLE, EVENT_STORE_ROLE, REPLAY_ROLE, GATEWAY_ROLE);
        for (String role : platform.keySet()) {
            Set<String> expected = new TreeSet<>(needed.getOrDefault(role, Collections.emptySet()));
            expected.addAll(platform.get(role));
            assertThat(grantedActions(role)).as(role).isEqualTo(expected);
        }
        assertThat(needed.get(EVENT_STORE_ROLE)).contains("kinesis:GetRecords", "dynamodb:BatchWriteItem", "dynamodb:PutItem");
        assertThat(needed.get(REPLAY_ROLE)).contains("dynamodb:Query", "kinesis:PutRecords", "dynamodb:PutItem",
                "dynamodb:Scan", "dynamodb:BatchWriteItem");
        assertThat(needed.get(READ_ROLE)).containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query");
        assertThat(needed.get(GATEWAY_ROLE)).containsExactly("dynamodb:PutItem");
    }

    @Test
    void everyClassOfTheGatewaysModuleWithAwsCallsSaysWhoRunsIt() {
        Set<String> calling = SdkOperationCalls.in(GATEWAY_MODULE_CLASSES).stream().map(call -> call.className)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(GATEWAY_CLASS_ROLES.keySet()).isEqualTo(calling);
    }

    @Test
    void theGatewayReadsOnlyTheEffectsStreamParksOnlyInTheParkedTableAndSendsOnlyToItsQueue() {
        String stream = arn("kinesis", "stream/backbone-effects");

        assertThat(grants(GATEWAY_ROLE).stream().filter(g -> g.actions.stream().anyMatch(a -> a.startsWith("kinesis:")))
                .flatMap(g -> g.resources.stream())).containsOnly(stream);
        assertThat(dynamoDbGrants(GATEWAY_ROLE)).isEqualTo(Map.of("dynamodb:PutItem",
                Set.of(arn("dynamodb", "table/backbone-parked-effects"))));
        assertThat(resourcesFor(GATEWAY_ROLE, "sqs:SendMessage"))
                .containsExactly("arn:aws:sqs:eu-west-1:123456789012:backbone-effects-undelivered");
        assertThat(resourcesFor(GATEWAY_ROLE, "logs:PutLogEvents"))
                .containsExactly(arn("logs", "log-group:/aws/lambda/backbone-effects-gateway:*"));
        assertThat(TEMPLATE.resource("EffectsGatewayFunction").property("Role"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of(GATEWAY_ROLE, "Arn")));
    }

    @Test
    void theSupportResendPolicyGrantsWhatAReSendCallsOnTheParkedTableAndTheEffectsStreamOnly() {
        List<Grant> grants = policyGrants(SUPPORT_RESEND_POLICY);
        Set<String> resendCalls = iamActions(SdkOperationCalls.in(GATEWAY_MODULE_CLASSES).stream()
                .filter(call -> GATEWAY_CLASS_ROLES.get(call.className).equals(SUPPORT_RESEND_POLICY))
                .collect(Collectors.toList()));

        Set<String> granted = grants.stream().flatMap(g -> g.actions.stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(granted).isEqualTo(resendCalls);
        assertThat(resendCalls).contains("dynamodb:GetItem", "dynamodb:DeleteItem", "kinesis:PutRecord");
        assertThat(dynamoDbGrants(grants).values()).allSatisfy(tables ->
                assertThat(tables).containsExactly(arn("dynamodb", "table/backbone-parked-effects")));
        assertThat(grants).filteredOn(g -> g.actions.contains("kinesis:PutRecord"))
                .allSatisfy(g -> assertThat(g.resources).containsExactly(arn("kinesis", "stream/backbone-effects")));
        assertThat(CloudFormationTemplate.asMap(TEMPLATE.outputs().get("SupportResendPolicyArn"), "output").get("Value"))
                .isEqualTo(Map.of("Ref", SUPPORT_RESEND_POLICY));
        assertThat(TEMPLATE.resource(SUPPORT_RESEND_POLICY).properties()).doesNotContainKeys("Users", "Groups", "Roles");
    }

    @Test
    void noStatementUsesAWildcardActionOrResource() {
        for (Grant grant : allGrants()) {
            assertThat(grant.actions).as(grant.toString()).allSatisfy(action -> assertThat(action).doesNotContain("*"));
            assertThat(grant.resources).as(grant.toString()).isNotEmpty().allSatisfy(resource -> {
                assertThat(resource).isNotEqualTo("*").startsWith("arn:aws:");
                // Every resource is this stack's, or the uploaded jar; listing log groups has no narrower resource.
                if (!grant.actions.equals(List.of("logs:DescribeLogGroups"))) {
                    assertThat(resource).containsAnyOf(":" + STACK_NAME + "-", "/" + STACK_NAME + "-",
                            "arn:aws:s3:::artifacts/jobs/flink-job.jar");
                }
            });
        }
    }

    @Test
    void everyFlinkClassThatReachesATableSaysWhichTablesUnderWhichRole() {
        Map<String, Set<String>> listed = new TreeMap<>();
        for (TableAccess access : TABLE_ACCESS) {
            listed.computeIfAbsent(access.className, c -> new TreeSet<>()).add(access.action);
            // A class that calls DynamoDB itself runs under the role said of it; WriteRequests' callers under one of its.
            Set<String> roles = FLINK_CLASS_ROLES.getOrDefault(access.className, FLINK_CLASS_ROLES.get(TABLE_WRITES_CLASS));
            assertThat(roles).as(access.toString()).contains(access.role);
        }

        assertThat(listed).isEqualTo(dynamoDbActionsByClass());
        assertThat(listed).containsEntry(JOB + "sink.BatchPutSink", Set.of("dynamodb:BatchWriteItem"))
                .containsEntry(JOB + "replay.SliceReader", Set.of("dynamodb:Query", "dynamodb:BatchGetItem"))
                .containsEntry(JOB + "replay.ScanEventsSegment", Set.of("dynamodb:Scan"))
                .containsEntry(JOB + "replay.TimeIndexChunkWriter", Set.of("dynamodb:BatchWriteItem"));
    }

    @Test
    void eachApplicationRoleGrantsItsDynamoDbActionsOnExactlyTheTablesItsCodeReaches() {
        List<TableAccess> accesses = new ArrayList<>(TABLE_ACCESS);
        Map<String, Map<String, Set<String>>> needed = tableAccessByRole(accesses);

        assertThat(needed.keySet()).containsExactlyInAnyOrder(EVENT_STORE_ROLE, REPLAY_ROLE);
        for (String role : List.of(EVENT_STORE_ROLE, REPLAY_ROLE)) {
            assertThat(dynamoDbGrants(role)).as(role).isEqualTo(needed.get(role));
        }
        // A reversal reads the aggregate's projection and queries its events (HistoryReader): nothing else.
        assertThat(dynamoDbGrants(INGEST_ROLE)).isEqualTo(tableAccessByRole(READ_TABLE_ACCESS).get(INGEST_ROLE))
                .isEqualTo(Map.of(
                        "dynamodb:GetItem", Set.of(arn("dynamodb", "table/backbone-projections")),
                        "dynamodb:Query", Set.of(arn("dynamodb", "table/backbone-events"))));
    }

    @Test
    void everyReadApiClassThatReachesATableSaysWhichTablesOrIndexUnderEachRoleThatRunsIt() {
        Map<String, Map<String, Set<String>>> listed = new TreeMap<>();
        for (TableAccess access : READ_TABLE_ACCESS) {
            listed.computeIfAbsent(access.role, r -> new TreeMap<>())
                    .computeIfAbsent(access.className, c -> new TreeSet<>()).add(access.action);
        }

        assertThat(listed.keySet()).containsExactlyInAnyOrder(READ_ROLE, INGEST_ROLE);
        listed.forEach((role, byClass) -> assertThat(byClass).as(role).isEqualTo(readDynamoDbActionsByClass()));
        assertThat(listed.get(READ_ROLE)).containsEntry(READ + "DynamoDbEventLog", Set.of("dynamodb:GetItem", "dynamodb:Query"));
    }

    @Test
    void theIngestUsesTheReadApiOnlyThroughTheReversalsHistoryReader() {
        Set<String> used = new TreeSet<>();
        for (JavaClass javaClass : INGEST_CLASSES) {
            if (!SdkOperationCalls.topLevelName(javaClass).startsWith("io.eventbackbone.ingest.")) {
                continue;
            }
            for (JavaAccess<?> access : SdkOperationCalls.accessesFrom(javaClass)) {
                String target = SdkOperationCalls.topLevelName(access.getTargetOwner());
                if (target.startsWith(READ)) {
                    used.add(target);
                }
            }
        }

        assertThat(used).contains(READ + "HistoryReader").isSubsetOf(READ_CLASSES_THE_INGEST_USES)
                .doesNotContainAnyElementsOf(readDynamoDbActionsByClass().keySet());
    }

    @Test
    void theReadRoleGrantsItsCodesReadsOnExactlyTheTablesAndIndexItReadsAndCanWriteNothing() {
        Map<String, Set<String>> granted = dynamoDbGrants(READ_ROLE);

        assertThat(granted).isEqualTo(tableAccessByRole(READ_TABLE_ACCESS).get(READ_ROLE));
        assertThat(granted.keySet()).allSatisfy(action -> assertThat(action).isIn(DYNAMODB_READ_ACTIONS));
        assertThat(granted.values().stream().flatMap(Set::stream))
                .doesNotContain(arn("dynamodb", "table/backbone-rejections"), arn("dynamodb", "table/backbone-time-index"));
        assertThat(grantedActions(READ_ROLE)).allSatisfy(action ->
                assertThat(action).isIn(union(DYNAMODB_READ_ACTIONS, LAMBDA_PLATFORM_ACTIONS)));
        assertThat(resourcesFor(READ_ROLE, "logs:PutLogEvents"))
                .containsExactly(arn("logs", "log-group:/aws/lambda/backbone-read:*"));
        assertThat(TEMPLATE.resource("ReadFunction").property("Role"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of(READ_ROLE, "Arn")));
    }

    @Test
    void theSupportPolicyReadsWhatTheReadFunctionReadsAndCallsOnlyTheGetReadRoutesOfTheStage() {
        List<Grant> grants = policyGrants(SUPPORT_POLICY);
        Set<String> actions = grants.stream().flatMap(g -> g.actions.stream()).collect(Collectors.toCollection(TreeSet::new));
        List<String> invocable = grants.stream().filter(g -> g.actions.contains(INVOKE))
                .flatMap(g -> g.resources.stream()).collect(Collectors.toList());
        String api = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/";

        assertThat(actions).allSatisfy(action -> assertThat(action).isIn(union(DYNAMODB_READ_ACTIONS, Set.of(INVOKE))));
        assertThat(dynamoDbGrants(grants)).isEqualTo(dynamoDbGrants(READ_ROLE));
        assertThat(grants).filteredOn(g -> g.actions.contains(INVOKE))
                .allSatisfy(g -> assertThat(g.actions).containsExactly(INVOKE));
        for (String path : ReadFunctionTest.READ_PATHS) {
            String sample = ReadFunctionTest.sample(path);
            assertThat(invokes(invocable, api + "v1/GET" + sample)).as("GET " + sample).isTrue();
            for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")) {
                assertThat(invokes(invocable, api + "v1/" + method + sample)).as(method + " " + sample).isFalse();
            }
            assertThat(invokes(invocable, api + "prod/GET" + sample)).as("another stage").isFalse();
        }
        for (String other : List.of("POST/events", "GET/events", "GET/health", "GET/", "GET/orders/7")) {
            assertThat(invokes(invocable, api + "v1/" + other)).as(other).isFalse();
        }
    }

    @Test
    void theSupportReversalPolicyReadsTheLogAsTheIngestDoesAppendsToTheEventsStreamAndCallsOnlyTheReversalRoutes() {
        List<Grant> grants = policyGrants(SUPPORT_REVERSAL_POLICY);
        List<String> invocable = grants.stream().filter(g -> g.actions.contains(INVOKE))
                .flatMap(g -> g.resources.stream()).collect(Collectors.toList());
        String api = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/";

        // The reversal routes run the ingest's own code (HistoryReader, EventsStreamWriter): its reads, its write.
        assertThat(dynamoDbGrants(grants)).isEqualTo(dynamoDbGrants(INGEST_ROLE));
        Map<String, Set<String>> kinesis = new TreeMap<>();
        for (Grant grant : grants) {
            grant.actions.stream().filter(a -> a.startsWith("kinesis:"))
                    .forEach(a -> kinesis.computeIfAbsent(a, k -> new TreeSet<>()).addAll(grant.resources));
        }
        assertThat(kinesis).isEqualTo(Map.of("kinesis:PutRecords", Set.of(arn("kinesis", "stream/backbone-events"))));
        assertThat(iamActions(SdkOperationCalls.in(SdkOperationCalls.mainClasses("io.eventbackbone.ingest"))))
                .as("what the ingest's code calls on Kinesis").contains("kinesis:PutRecords");
        assertThat(grants.stream().flatMap(g -> g.actions.stream()))
                .allSatisfy(a -> assertThat(a).isIn("kinesis:PutRecords", "dynamodb:Query", "dynamodb:GetItem", INVOKE));
        for (String route : List.of("reversals", "reversions")) {
            assertThat(invokes(invocable, api + "v1/POST/aggregates/acct-1/" + route)).as("POST " + route).isTrue();
            assertThat(invokes(invocable, api + "prod/POST/aggregates/acct-1/" + route)).as("another stage").isFalse();
            for (String method : List.of("GET", "PUT", "DELETE")) {
                assertThat(invokes(invocable, api + "v1/" + method + "/aggregates/acct-1/" + route)).as(method).isFalse();
            }
        }
        for (String other : List.of("POST/events", "POST/orders/7", "GET/aggregates/acct-1")) {
            assertThat(invokes(invocable, api + "v1/" + other)).as(other).isFalse();
        }
    }

    @Test
    void theSupportReversalPolicyIsAnOutputAttachedByAnAdministrator() {
        assertThat(CloudFormationTemplate.asMap(TEMPLATE.outputs().get("SupportReversalPolicyArn"), "output").get("Value"))
                .isEqualTo(Map.of("Ref", SUPPORT_REVERSAL_POLICY));
        assertThat(TEMPLATE.resource(SUPPORT_REVERSAL_POLICY).properties()).doesNotContainKeys("Users", "Groups", "Roles");
    }

    @Test
    void theSupportPolicyIsAnOutputOfTheStack() {
        assertThat(CloudFormationTemplate.asMap(TEMPLATE.outputs().get("SupportReadPolicyArn"), "output").get("Value"))
                .isEqualTo(Map.of("Ref", SUPPORT_POLICY));
        assertThat(TEMPLATE.resource(SUPPORT_POLICY).properties())
                .as("attached by an administrator to the staff who need it, not by the stack")
                .doesNotContainKeys("Users", "Groups", "Roles");
    }

    @Test
    void theStreamingApplicationAppendsToTheTimeIndexAndOnlyTheReplayQueriesAndRebuildsIt() {
        String index = arn("dynamodb", "table/backbone-time-index");
        Map<String, Set<String>> onIndex = new TreeMap<>();
        for (Grant grant : allGrants()) {
            if (grant.resources.contains(index)) {
                onIndex.computeIfAbsent(grant.role, r -> new TreeSet<>()).addAll(grant.actions);
            }
        }

        assertThat(onIndex).isEqualTo(Map.of(EVENT_STORE_ROLE, Set.of("dynamodb:BatchWriteItem"),
                REPLAY_ROLE, Set.of("dynamodb:Query", "dynamodb:BatchWriteItem")));
    }

    @Test
    void theReplayReadsTheTimeIndexThenTheEventLogByKeyAndNoSecondaryIndex() {
        String table = arn("dynamodb", "table/backbone-events");
        String index = arn("dynamodb", "table/backbone-time-index");

        assertThat(resourcesFor(REPLAY_ROLE, "dynamodb:Query")).containsExactlyInAnyOrder(index, table);
        // Events by key; and, for a preview, the live projections it compares with.
        assertThat(resourcesFor(REPLAY_ROLE, "dynamodb:BatchGetItem"))
                .containsExactlyInAnyOrder(table, arn("dynamodb", "table/backbone-projections"));
        assertThat(grants(REPLAY_ROLE).stream().flatMap(g -> g.resources.stream())).noneMatch(r -> r.contains("/index/"));
        // Playback records, and the compensating effects an apply of a logic fix may send.
        assertThat(resourcesFor(REPLAY_ROLE, "kinesis:PutRecords")).containsExactly(arn("kinesis", "stream/backbone-playback"),
                arn("kinesis", "stream/backbone-effects"));
        assertThat(resourcesFor(REPLAY_ROLE, "dynamodb:PutItem"))
                .containsExactly(arn("dynamodb", "table/backbone-projections"), arn("dynamodb", "table/backbone-rebuild-*"));
    }

    @Test
    void aTimeIndexRebuildScansOnlyTheEventLogAndAppendsOnlyToTheTimeIndex() {
        String table = arn("dynamodb", "table/backbone-events");
        String index = arn("dynamodb", "table/backbone-time-index");
        String rebuildTables = arn("dynamodb", "table/backbone-rebuild-*");

        assertThat(resourcesFor(REPLAY_ROLE, "dynamodb:Scan")).containsExactlyInAnyOrder(table, rebuildTables);
        assertThat(resourcesFor(REPLAY_ROLE, "dynamodb:BatchWriteItem")).containsExactlyInAnyOrder(index,
                arn("dynamodb", "table/backbone-projections"), rebuildTables);
        assertThat(grants(REPLAY_ROLE).stream().filter(g -> g.resources.contains(table) || g.resources.contains(index))
                .flatMap(g -> g.actions.stream())).containsOnly("dynamodb:Query", "dynamodb:BatchGetItem",
                "dynamodb:Scan", "dynamodb:BatchWriteItem");
    }

    @Test
    void onlyTheStreamingApplicationWritesTheEventLogAndTheRejections() {
        Set<String> writes = Set.of("dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:TransactWriteItems");
        List<String> writers = new ArrayList<>();
        for (Grant grant : allGrants()) {
            boolean writesLog = grant.actions.stream().anyMatch(writes::contains) && grant.resources.stream()
                    .anyMatch(r -> r.endsWith("table/backbone-events") || r.endsWith("table/backbone-rejections"));
            if (writesLog) {
                writers.add(grant.role);
            }
        }

        assertThat(writers).containsOnly(EVENT_STORE_ROLE);
        assertThat(resourcesFor(EVENT_STORE_ROLE, "dynamodb:BatchWriteItem")).containsExactlyInAnyOrder(
                arn("dynamodb", "table/backbone-events"), arn("dynamodb", "table/backbone-time-index"),
                arn("dynamodb", "table/backbone-rejections"));
        assertThat(resourcesFor(EVENT_STORE_ROLE, "kinesis:GetRecords")).containsExactly(arn("kinesis", "stream/backbone-events"));
    }

    @Test
    void theIngestWritesOnlyToTheEventsStreamAndItsOwnLogs() {
        assertThat(resourcesFor(INGEST_ROLE, "kinesis:PutRecords")).containsExactly(arn("kinesis", "stream/backbone-events"));
        assertThat(resourcesFor(INGEST_ROLE, "logs:PutLogEvents"))
                .containsExactly(arn("logs", "log-group:/aws/lambda/backbone-ingest:*"));
        assertThat(TEMPLATE.resource("IngestFunction").property("LoggingConfig", "LogGroup"))
                .isEqualTo(Map.of("Ref", "IngestLogGroup"));
    }

    @Test
    void theApplicationRolesTrustOnlyTheirOwnApplication() {
        Map<String, String> applications = Map.of(EVENT_STORE_ROLE, "EventStoreApplication", REPLAY_ROLE, "ReplayApplication");
        applications.forEach((roleId, applicationId) -> {
            Object statement = TEMPLATE.resource(roleId).list("AssumeRolePolicyDocument", "Statement").get(0);
            Object trusted = TEMPLATE.resolve(CloudFormationTemplate.asMap(statement, roleId).get("Condition"), STACK);
            String applicationArn = "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/"
                    + TEMPLATE.physicalName(TEMPLATE.resource(applicationId), STACK);

            assertThat(trusted).asString().contains("aws:SourceArn=" + applicationArn).contains("aws:SourceAccount=123456789012");
            assertThat(TEMPLATE.resource(applicationId).property("ServiceExecutionRole"))
                    .isEqualTo(Map.of("Fn::GetAtt", List.of(roleId, "Arn")));
        });
    }
}
