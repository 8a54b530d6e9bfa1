package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.ResponsesTable;
import io.eventbackbone.store.TimeIndex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

class CloudFormationTemplateTest {

    private static final CloudFormationTemplate TEMPLATE = Repository.TEMPLATE;
    private static final Map<String, String> LOCAL_TABLE_NAMES = Map.of("EventsTable", "local-events",
            "TimeIndexTable", "local-time-index", "ProjectionsTable", "local-projections", "RejectionsTable", "local-rejections",
            "ResponsesTable", "local-responses", "ParkedEffectsTable", "local-parked-effects");
    private static final Map<String, String> LOCAL_STREAM_NAMES = Map.of(
            "EventsStream", "local-events", "PlaybackStream", "local-playback", "EffectsStream", "local-effects");

    private static CloudFormationTemplate parse(String... lines) {
        return CloudFormationTemplate.parse(String.join("\n", lines) + "\n");
    }

    @Test
    void shortFormTagsBecomeTheirLongForms() {
        CloudFormationTemplate template = parse(
                "Resources:",
                "  R:",
                "    Type: Test::Thing",
                "    Properties:",
                "      Ref: !Ref Other",
                "      Sub: !Sub '${AWS::StackName}-x'",
                "      SubList: !Sub ['${A}', {A: !Ref Other}]",
                "      GetAtt: !GetAtt Other.Arn",
                "      Nested: !GetAtt Other.Endpoint.Address",
                "      GetAttList: !GetAtt [Other, Arn]",
                "      If: !If [C, !Ref AWS::NoValue, 1]",
                "      Equals: !Equals [!Ref P, x]",
                "      Not: !Not [!Condition C]",
                "      And: !And [!Condition C, !Condition D]",
                "      Or: !Or [!Condition C, !Condition D]",
                "      Join: !Join [',', [a, b]]",
                "      Select: !Select [0, !Split [',', 'a,b']]",
                "      FindInMap: !FindInMap [M, k, v]",
                "      Base64: !Base64 text",
                "      ImportValue: !ImportValue exported",
                "      GetAZs: !GetAZs ''",
                "      Cidr: !Cidr [10.0.0.0/16, 2, 8]");
        Map<String, Object> p = propertiesOfR(template);

        assertThat(p.get("Ref")).isEqualTo(Map.of("Ref", "Other"));
        assertThat(p.get("Sub")).isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-x"));
        assertThat(p.get("SubList")).isEqualTo(Map.of("Fn::Sub", List.of("${A}", Map.of("A", Map.of("Ref", "Other")))));
        assertThat(p.get("GetAtt")).isEqualTo(Map.of("Fn::GetAtt", List.of("Other", "Arn")));
        assertThat(p.get("Nested")).isEqualTo(Map.of("Fn::GetAtt", List.of("Other", "Endpoint.Address")));
        assertThat(p.get("GetAttList")).isEqualTo(Map.of("Fn::GetAtt", List.of("Other", "Arn")));
        assertThat(p.get("If")).isEqualTo(Map.of("Fn::If", List.of("C", Map.of("Ref", "AWS::NoValue"), 1)));
        assertThat(p.get("Equals")).isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "P"), "x")));
        assertThat(p.get("Not")).isEqualTo(Map.of("Fn::Not", List.of(Map.of("Condition", "C"))));
        assertThat(p.get("And")).isEqualTo(Map.of("Fn::And", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))));
        assertThat(p.get("Or")).isEqualTo(Map.of("Fn::Or", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))));
        assertThat(p.get("Join")).isEqualTo(Map.of("Fn::Join", List.of(",", List.of("a", "b"))));
        assertThat(p.get("Select")).isEqualTo(Map.of("Fn::Select", List.of(0, Map.of("Fn::Split", List.of(",", "a,b")))));
        assertThat(p.get("FindInMap")).isEqualTo(Map.of("Fn::FindInMap", List.of("M", "k", "v")));
        assertThat(p.get("Base64")).isEqualTo(Map.of("Fn::Base64", "text"));
        assertThat(p.get("ImportValue")).isEqualTo(Map.of("Fn::ImportValue", "exported"));
        assertThat(p.get("GetAZs")).isEqualTo(Map.of("Fn::GetAZs", ""));
        assertThat(p.get("Cidr")).isEqualTo(Map.of("Fn::Cidr", List.of("10.0.0.0/16", 2, 8)));
    }

    private static Map<String, Object> propertiesOfR(CloudFormationTemplate template) {
        return template.resource("R").properties();
    }

    @Test
    void anUnquotedTemplateVersionStaysText() {
        assertThat(parse("AWSTemplateFormatVersion: 2010-09-09", "Resources: {}").asMap().get("AWSTemplateFormatVersion"))
                .isEqualTo("2010-09-09");
    }

    @Test
    void anUnknownTagAndADuplicateKeyAreRefused() {
        assertThatThrownBy(() -> parse("Resources:", "  R: {Type: T, Properties: {A: !Reff X}}"))
                .isInstanceOf(YAMLException.class).hasMessageContaining("!Reff");
        assertThatThrownBy(() -> parse("Resources:", "  R: {Type: T}", "  R: {Type: U}"))
                .isInstanceOf(YAMLException.class).hasMessageContaining("duplicate key R");
    }

    @Test
    void resourcesAreFoundByType() {
        assertThat(TEMPLATE.resourcesOfType(CloudFormationTemplate.DYNAMODB_TABLE))
                .extracting(CloudFormationTemplate.Resource::logicalId)
                .containsExactly("EventsTable", "TimeIndexTable", "ProjectionsTable", "RejectionsTable", "ResponsesTable",
                        "ParkedEffectsTable");
        assertThat(TEMPLATE.resourcesOfType(CloudFormationTemplate.KINESIS_STREAM))
                .extracting(CloudFormationTemplate.Resource::logicalId)
                .containsExactly("EventsStream", "PlaybackStream", "EffectsStream");
        assertThat(TEMPLATE.resource("RejectionsTable").property("GlobalSecondaryIndexes")).isInstanceOf(List.class);
        assertThatThrownBy(() -> TEMPLATE.resource("Nope")).hasMessageContaining("no resource Nope");
    }

    @Test
    void theTemplateTablesAreTheCodesCreateTableRequests() {
        List<CreateTableRequest> tables = TEMPLATE.tables(LOCAL_TABLE_NAMES);

        assertThat(tables).containsExactly(
                EventsTable.createTableRequest("local-events"),
                TimeIndex.createTableRequest("local-time-index"),
                ProjectionsTable.createTableRequest("local-projections"),
                RejectionsTable.createTableRequest("local-rejections"),
                ResponsesTable.createTableRequest("local-responses"),
                ParkedEffectsTable.createTableRequest("local-parked-effects"));
    }

    @Test
    void everyTableNeedsANameAndNoOtherNameIsAccepted() {
        assertThatThrownBy(() -> TEMPLATE.tables(Map.of("EventsTable", "e")))
                .hasMessageContaining("missing: [ParkedEffectsTable, ProjectionsTable, RejectionsTable, ResponsesTable,"
                        + " TimeIndexTable]");
        assertThatThrownBy(() -> TEMPLATE.tables(Map.of("EventsTable", "e", "TimeIndexTable", "i", "ProjectionsTable", "p",
                "RejectionsTable", "r", "ResponsesTable", "q", "ParkedEffectsTable", "f", "EventTable", "x")))
                .hasMessageContaining("not tables of the template: [EventTable]").hasMessageNotContaining("missing");
    }

    @Test
    void aTablePropertyThatMayChangeTheShapeIsNotSilentlyDropped() {
        CloudFormationTemplate template = parse(
                "Resources:",
                "  T:",
                "    Type: AWS::DynamoDB::Table",
                "    Properties:",
                "      KeySchema: [{AttributeName: id, KeyType: HASH}]",
                "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]",
                "      MultiRegionConsistency: STRONG");

        assertThatThrownBy(() -> template.tables(Map.of("T", "t")))
                .hasMessageContaining("table T: property MultiRegionConsistency is not understood");
    }

    @Test
    void aKeySchemaGivenAsAnObjectIsRefusedThoughTheValidatorMissesIt() {
        CloudFormationTemplate template = parse(
                "Resources:",
                "  T:",
                "    Type: AWS::DynamoDB::Table",
                "    Properties:",
                "      KeySchema: {AttributeName: id, KeyType: HASH}",
                "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]");

        assertThatThrownBy(() -> template.tables(Map.of("T", "t"))).hasMessageContaining("T.KeySchema must be a list");
    }

    @Test
    void tablesAndStreamsCanBeNamedAsTheStackWouldNameThem() {
        TemplateBindings stack = TemplateBindings.stack("event-backbone", "us-east-1", "000000000000");

        assertThat(TEMPLATE.tables(stack)).extracting(CreateTableRequest::tableName)
                .containsExactly("event-backbone-events", "event-backbone-time-index", "event-backbone-projections",
                        "event-backbone-rejections", "event-backbone-responses", "event-backbone-parked-effects");
        assertThat(TEMPLATE.streams(stack)).extracting(StreamSpec::name)
                .containsExactly("event-backbone-events", "event-backbone-playback", "event-backbone-effects");
    }

    @Test
    void onDemandStreamsHaveNoShardCountAndProvisionedOnesTakeTheParameters() {
        assertThat(TEMPLATE.streams(LOCAL_STREAM_NAMES)).containsExactly(
                new StreamSpec("EventsStream", "local-events", StreamSpec.ON_DEMAND, null),
                new StreamSpec("PlaybackStream", "local-playback", StreamSpec.ON_DEMAND, null),
                new StreamSpec("EffectsStream", "local-effects", StreamSpec.ON_DEMAND, null));

        TemplateBindings provisioned = TemplateBindings.parametersOnly()
                .withParameter("StreamMode", "PROVISIONED").withParameter("EventsShardCount", "4");
        List<StreamSpec> streams = TEMPLATE.streams(LOCAL_STREAM_NAMES, provisioned);
        assertThat(streams).containsExactly(
                new StreamSpec("EventsStream", "local-events", StreamSpec.PROVISIONED, 4),
                new StreamSpec("PlaybackStream", "local-playback", StreamSpec.PROVISIONED, 1),
                new StreamSpec("EffectsStream", "local-effects", StreamSpec.PROVISIONED, 1));
        assertThat(TEMPLATE.streams(LOCAL_STREAM_NAMES).get(0).shardCountOr(2)).isEqualTo(2);
    }

    @Test
    void propertyGroupsResolveToTheValuesTheStackWouldPass() {
        TemplateBindings stack = TemplateBindings.stack("event-backbone", "eu-west-1", "123456789012");

        Map<String, Map<String, String>> groups = TEMPLATE.propertyGroups("EventStoreApplication", stack);

        assertThat(groups.get("EventStore"))
                .containsEntry("aws.region", "eu-west-1")
                .containsEntry("events.stream.arn", "arn:aws:kinesis:eu-west-1:123456789012:stream/event-backbone-events")
                .containsEntry("events.table.name", "event-backbone-events")
                .containsEntry("time.index.table.name", "event-backbone-time-index")
                .containsEntry("time.index.slices", "16");
    }

    @Test
    void subConditionsAndNoValueResolve() {
        CloudFormationTemplate template = parse(
                "Parameters:",
                "  Mode: {Type: String, Default: a}",
                "Conditions:",
                "  IsA: !Equals [!Ref Mode, a]",
                "  NotA: !Not [!Condition IsA]",
                "Resources:",
                "  T:",
                "    Type: AWS::DynamoDB::Table",
                "    Properties:",
                "      TableName: !Sub '${AWS::StackName}-t'",
                "  R:",
                "    Type: Test::Thing",
                "    Properties:",
                "      Name: !Sub '${AWS::StackName}-${Mode}-${!Literal}'",
                "      Arn: !Sub '${T.Arn}/index/*'",
                "      Joined: !Join ['-', [!Ref Mode, !If [NotA, x, !Ref AWS::NoValue], z]]",
                "      Gone: !If [IsA, !Ref AWS::NoValue, kept]");
        TemplateBindings stack = TemplateBindings.stack("s", "us-east-1", "000000000000");

        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) template.resolve(template.resource("R").properties(), stack);

        assertThat(resolved).containsEntry("Name", "s-a-${Literal}")
                .containsEntry("Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/s-t/index/*")
                .containsEntry("Joined", "a-z")
                .doesNotContainKey("Gone");
        assertThat(template.condition("NotA", stack.withParameter("Mode", "b"))).isTrue();
    }

    @Test
    void whatOnlyAwsKnowsMustBeBound() {
        TemplateBindings stack = TemplateBindings.stack("s", "us-east-1", "000000000000");

        assertThatThrownBy(() -> TEMPLATE.resolve(Map.of("Ref", "RestApi"), stack))
                .hasMessageContaining("Ref RestApi").hasMessageContaining("withRef");
        assertThat(TEMPLATE.resolve(Map.of("Ref", "RestApi"), stack.withRef("RestApi", "abc123"))).isEqualTo("abc123");
    }
}
