package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.cloudformation.ApiMethods.ApiMethod;
import io.eventbackbone.cloudformation.CloudFormationTemplate.Resource;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadHandler;
import io.eventbackbone.read.ReadRequest;
import io.eventbackbone.read.ReadSettings;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The read Lambda in the template agrees with the read-api code: the GET routes that reach it are routes of the
 * read API, its handler is the REST proxy entry point, and its environment is exactly what ReadSettings reads.
 * (Its role and the support policy are checked with the other grants in {@link RolePermissionsTest}.)
 */
class ReadFunctionTest {

    static final String READ_FUNCTION = "ReadFunction";
    /**
     * The read API's routes as the read function declares them, which the local server routes too: the
     * template must spell exactly these, so what runs locally is what is routed on AWS.
     */
    static final Set<String> READ_PATHS = Set.copyOf(ReadHandler.API_RESOURCES);

    private static final CloudFormationTemplate TEMPLATE = Repository.TEMPLATE;
    private static final TemplateBindings STACK = TemplateBindings.stack("backbone", "eu-west-1", "123456789012")
            .withParameter("ArtifactBucket", "artifacts")
            .withParameter("FlinkJarKey", "jobs/flink-job.jar")
            .withParameter("LambdaJarKey", "jobs/ingest-lambda.jar")
            .withParameter("ReadJarKey", "jobs/read-api.jar")
            .withRef("RestApi", "a1b2c3d4e5");

    /** A path of the template with its parameters filled in, as a client sends it. */
    static String sample(String templatePath) {
        return templatePath.replace("{aggregateId}", "acct-1").replace("{version}", "2").replace("{eventId}", "evt-1");
    }

    // ------------------------------------------------------------------ routes

    @Test
    void eachReadPathIsAGetMethodWithALambdaProxyIntegrationToTheReadFunction() {
        List<ApiMethod> reaching = ApiMethods.reaching(TEMPLATE, READ_FUNCTION);

        assertThat(reaching).extracting(ApiMethod::route).containsExactlyInAnyOrderElementsOf(
                READ_PATHS.stream().map(path -> "GET " + path).collect(Collectors.toList()));
        Object ingestAuthorization = TEMPLATE.resource("EventsMethod").property("AuthorizationType");
        for (ApiMethod method : reaching) {
            assertThat(method.functions).as(method.toString()).containsExactly(READ_FUNCTION);
            assertThat(method.resource.property("Integration", "Type")).as(method.toString()).isEqualTo("AWS_PROXY");
            assertThat(method.resource.property("Integration", "IntegrationHttpMethod")).as(method.toString())
                    .isEqualTo("POST");
            // The same authorization as the ingest: IAM unless the stack opens the whole API.
            assertThat(method.resource.property("AuthorizationType")).as(method.toString())
                    .isEqualTo(ingestAuthorization).isEqualTo(Map.of("Ref", "ApiAuthorization"));
        }
    }

    @Test
    void noOtherMethodIsDefinedOnTheReadPathsAndNothingElseReachesTheReadFunction() {
        for (ApiMethod method : ApiMethods.all(TEMPLATE)) {
            if (READ_PATHS.contains(method.path)) {
                assertThat(method.httpMethod).as(method.toString()).isEqualTo("GET");
                assertThat(method.functions).as(method.toString()).containsExactly(READ_FUNCTION);
            } else {
                assertThat(method.functions).as(method.toString()).doesNotContain(READ_FUNCTION);
            }
        }
        // The ingest keeps its own paths, every method on each: /events, the reversal routes and every other path.
        assertThat(ApiMethods.reaching(TEMPLATE, "IngestFunction")).extracting(ApiMethod::route)
                .containsExactlyInAnyOrderElementsOf(IngestHandler.API_RESOURCES.stream().map(path -> "ANY " + path)
                        .collect(Collectors.toList()));
    }

    @Test
    void everyReadPathOfTheTemplateIsARouteOfTheReadApiWhichReadsForIt() {
        List<String> tablesRead = new ArrayList<>();
        ReadApi api = new ReadApi(new UnreachableTables(tablesRead), ReadSettings.of("events", "projections",
                "rejections", "eu-west-1").withParkedEffectsTable("parked-effects"), DomainLogics.discover(),
                Clock.systemUTC());
        Map<String, Integer> statuses = new LinkedHashMap<>();

        for (ApiMethod method : ApiMethods.reaching(TEMPLATE, READ_FUNCTION)) {
            Map<String, List<String>> query = method.path.startsWith("/submissions/")
                    ? Map.of("aggregateId", List.of("acct-1")) : Map.of();
            ApiResponse response = api.handle(new ReadRequest(method.httpMethod, sample(method.path), query,
                    Map.of(), "test"));
            statuses.put(method.route(), response.status());
        }
        ApiResponse elsewhere = api.handle(new ReadRequest("GET", "/aggregates/acct-1/states", Map.of(), Map.of(),
                "test"));

        // A route of the API goes to the tables (here unreachable: 503); a path it does not serve reads nothing.
        assertThat(statuses).hasSize(READ_PATHS.size())
                .allSatisfy((route, status) -> assertThat(status).as(route).isEqualTo(ProblemType.STORE_UNAVAILABLE.status()));
        assertThat(elsewhere.status()).isEqualTo(ProblemType.NOT_FOUND.status());
        assertThat(tablesRead).isNotEmpty().allSatisfy(table -> assertThat(table).isIn("events", "projections",
                "rejections", "parked-effects"));
    }

    @Test
    void onlyGetMethodsOfThisApiMayInvokeTheReadFunction() {
        List<Resource> permissions = TEMPLATE.resourcesOfType("AWS::Lambda::Permission").stream()
                .filter(p -> CloudFormationTemplate.references(p.property("FunctionName")).contains(READ_FUNCTION))
                .collect(Collectors.toList());

        assertThat(permissions).hasSize(1);
        Resource permission = permissions.get(0);
        assertThat(permission.property("Action")).isEqualTo("lambda:InvokeFunction");
        assertThat(permission.property("Principal")).isEqualTo("apigateway.amazonaws.com");
        assertThat(TEMPLATE.resolveText(permission.property("SourceArn"), STACK))
                .isEqualTo("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/GET/*");
    }

    @Test
    void theResourcesOfBothFunctionsFormOneTreeWithOneVariableChildPerResource() {
        Map<String, Set<String>> children = new LinkedHashMap<>();
        Map<String, Set<String>> variableChildren = new LinkedHashMap<>();
        for (Resource resource : TEMPLATE.resourcesOfType(ApiMethods.RESOURCE)) {
            String parent = ApiMethods.path(TEMPLATE, resource.property("ParentId"));
            String part = (String) resource.property("PathPart");
            assertThat(children.computeIfAbsent(parent, p -> new TreeSet<>()).add(part))
                    .as("two resources " + part + " under " + parent).isTrue();
            if (part.startsWith("{")) {
                variableChildren.computeIfAbsent(parent, p -> new TreeSet<>()).add(part);
            }
        }

        // API Gateway refuses sibling path variables: the read routes and the reversal routes share {aggregateId}.
        assertThat(variableChildren).allSatisfy((parent, variables) -> assertThat(variables).as(parent).hasSize(1));
        assertThat(children.get("/aggregates/{aggregateId}")).contains("events", "rejections", "reversals", "reversions");
    }

    @Test
    void theApiIsRedeployedWithEveryMethod() {
        List<Resource> deployments = TEMPLATE.resourcesOfType("AWS::ApiGateway::Deployment");

        assertThat(deployments).hasSize(1);
        assertThat(deployments.get(0).references())
                .containsAll(ApiMethods.all(TEMPLATE).stream().map(m -> m.resource.logicalId())
                        .collect(Collectors.toList()));
    }

    // ------------------------------------------------------------------ the function

    @Test
    void theReadHandlerIsThePublicRestProxyEntryPointOfTheReadApi() throws Exception {
        assertThat(TemplateMatchesCodeTest.restProxyHandler(READ_FUNCTION).getDeclaringClass())
                .isEqualTo(ReadHandler.class);
    }

    @Test
    void theReadFunctionRunsTheShadedReadJarThatTheDeployScriptUploads() throws Exception {
        String classifier = Repository.pom("read-api").getElementsByTagName("shadedClassifierName").item(0)
                .getTextContent().trim();
        Resource function = TEMPLATE.resource(READ_FUNCTION);

        assertThat(function.property("Code", "S3Key")).isEqualTo(Map.of("Ref", "ReadJarKey"));
        assertThat(function.property("Code", "S3Bucket")).isEqualTo(Map.of("Ref", "ArtifactBucket"));
        assertThat(function.property("Role")).isEqualTo(Map.of("Fn::GetAtt", List.of("ReadFunctionRole", "Arn")));
        assertThat(function.property("LoggingConfig", "LogGroup")).isEqualTo(Map.of("Ref", "ReadLogGroup"));
        // Of the two jars read-api builds, only the shaded one carries its dependencies.
        assertThat(Files.readString(Repository.CLOUDFORMATION.resolve("deploy.sh")))
                .contains("read-api/target/read-api-*-" + classifier + ".jar");
        // An answer before API Gateway gives up (29 s), as the ingest's.
        assertThat((Integer) function.property("Timeout")).isLessThan(29);
    }

    @Test
    void theReadFunctionsEnvironmentIsExactlyWhatReadSettingsReadsButLambdasOwnRegionAndTheLocalEndpoint() {
        Set<String> read = variablesReadSettingsReads();
        Map<String, Object> variables = TemplateMatchesCodeTest.variables(READ_FUNCTION);

        assertThat(read).contains(ReadSettings.EVENTS_TABLE_NAME, ReadSettings.DEDUPE_MAX_EVENT_IDS,
                ReadSettings.AWS_REGION, ReadSettings.DYNAMODB_ENDPOINT);
        Set<String> expected = new TreeSet<>(read);
        // AWS_REGION is Lambda's own (reserved) variable; the emulator's endpoint never reaches AWS.
        expected.remove(ReadSettings.AWS_REGION);
        expected.remove(ReadSettings.DYNAMODB_ENDPOINT);
        assertThat(variables.keySet()).isEqualTo(expected);
        assertThat(variables).containsEntry(ReadSettings.EVENTS_TABLE_NAME, Map.of("Ref", "EventsTable"))
                .containsEntry(ReadSettings.PROJECTIONS_TABLE_NAME, Map.of("Ref", "ProjectionsTable"))
                .containsEntry(ReadSettings.REJECTIONS_TABLE_NAME, Map.of("Ref", "RejectionsTable"))
                // The job's dedupe memory and the read side's search for a duplicate's original: one parameter.
                .containsEntry(ReadSettings.DEDUPE_MAX_EVENT_IDS, Map.of("Ref", "DedupeMaxEventIds"));
    }

    @Test
    void theReadApiAcceptsTheEnvironmentTheStackGivesIt() {
        ReadSettings settings = ReadSettings.from(TemplateMatchesCodeTest.environmentOnLambda(READ_FUNCTION, STACK));

        assertThat(settings.eventsTable()).isEqualTo("backbone-events");
        assertThat(settings.projectionsTable()).isEqualTo("backbone-projections");
        assertThat(settings.rejectionsTable()).isEqualTo("backbone-rejections");
        assertThat(settings.endpoint()).isNull();
        assertThat(settings.dedupeMaxEventIds()).isEqualTo(ReadSettings.DEFAULT_DEDUPE_MAX_EVENT_IDS);
    }

    @Test
    void theDedupeParameterDefaultsAndIsBoundedAsTheReadApiReadsIt() {
        Map<String, Object> parameter = TEMPLATE.parameter("DedupeMaxEventIds");

        assertThat(TEMPLATE.parameterDefault("DedupeMaxEventIds"))
                .isEqualTo(Integer.toString(ReadSettings.DEFAULT_DEDUPE_MAX_EVENT_IDS));
        assertThat(((Number) parameter.get("MinValue")).longValue()).isEqualTo(1);
        assertThat(((Number) parameter.get("MaxValue")).longValue()).isEqualTo(ReadSettings.MAX_DEDUPE_MAX_EVENT_IDS);
    }

    // ------------------------------------------------------------------ helpers

    /** The variables ReadSettings.from looks up, found by giving it an environment that records each lookup. */
    private static Set<String> variablesReadSettingsReads() {
        Set<String> looked = new TreeSet<>();
        Map<String, String> recording = new HashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String get(Object key) {
                looked.add(String.valueOf(key));
                return super.get(key);
            }
        };
        recording.put(ReadSettings.EVENTS_TABLE_NAME, "e");
        recording.put(ReadSettings.PROJECTIONS_TABLE_NAME, "p");
        recording.put(ReadSettings.REJECTIONS_TABLE_NAME, "r");
        recording.put(ReadSettings.AWS_REGION, "eu-west-1");
        ReadSettings.from(recording);
        return looked;
    }

    /** Tables that cannot be reached: every read fails as a network failure would, after noting the table. */
    private static final class UnreachableTables implements DynamoDbClient {
        private final List<String> tablesRead;

        UnreachableTables(List<String> tablesRead) {
            this.tablesRead = tablesRead;
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            tablesRead.add(request.tableName());
            throw SdkClientException.create("no tables here");
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            tablesRead.add(request.tableName());
            throw SdkClientException.create("no tables here");
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }
}
