package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

class ProjectionsTableTest {

    private static Projection projection() {
        return new Projection("acct-42", "account", 12, "{\"status\":\"open\",\"balance\":0.3}", 1_769_851_801_000L,
                "evt-12");
    }

    @Test
    void aProjectionSurvivesToItemAndFromItem() {
        Projection p = projection();

        assertThat(ProjectionsTable.fromItem(ProjectionsTable.toItem(p))).isEqualTo(p);
    }

    @Test
    void writesVersionAndUpdatedAtAsNumbersAndStateAsText() {
        Map<String, AttributeValue> item = ProjectionsTable.toItem(projection());

        assertThat(item.get("version").n()).isEqualTo("12");
        assertThat(item.get("updatedAt").n()).isEqualTo("1769851801000");
        assertThat(item.get("state").s()).isEqualTo("{\"status\":\"open\",\"balance\":0.3}");
        assertThat(item.get("lastEventId").s()).isEqualTo("evt-12");
        assertThat(item.get("aggregateType").s()).isEqualTo("account");
    }

    @Test
    void aLogicFailureIsWrittenOnlyWhenThereIsOneAndCountsInTheItemSize() {
        Projection p = projection();
        assertThat(ProjectionsTable.toItem(p)).doesNotContainKey(ProjectionsTable.LOGIC_FAILURE);

        p.setLogicFailure("{\"version\":3,\"eventId\":\"evt-3\"}");
        Map<String, AttributeValue> item = ProjectionsTable.toItem(p);

        assertThat(item.get("logicFailure").s()).isEqualTo("{\"version\":3,\"eventId\":\"evt-3\"}");
        assertThat(ProjectionsTable.fromItem(item)).isEqualTo(p);
        assertThat(ProjectionsTable.itemSize(p)).isEqualTo(ItemSize.of(item));
    }

    @Test
    void theKeyIsTheAggregateIdAlone() {
        assertThat(ProjectionsTable.key("acct-42")).containsOnlyKeys("aggregateId");
        assertThat(ProjectionsTable.key("acct-42").get("aggregateId").s()).isEqualTo("acct-42");
    }

    @Test
    void theWriteConditionLetsOnlyAHigherVersionLand() {
        assertThat(ProjectionsTable.ONLY_FORWARD_CONDITION)
                .isEqualTo("attribute_not_exists(aggregateId) OR version < :version")
                .contains(ProjectionsTable.VERSION_PLACEHOLDER);
    }

    @Test
    void aLogicGenerationIsWrittenOnlyAboveZeroAndCountsInTheItemSize() {
        assertThat(ProjectionsTable.toItem(projection())).doesNotContainKey(ProjectionsTable.GENERATION);
        Projection fixed = projection().withGeneration(3);
        Map<String, AttributeValue> item = ProjectionsTable.toItem(fixed);

        assertThat(item.get("generation").n()).isEqualTo("3");
        assertThat(ProjectionsTable.fromItem(item)).isEqualTo(fixed).isNotEqualTo(projection());
        assertThat(ProjectionsTable.itemSize(fixed)).isEqualTo(ItemSize.of(item));
    }

    @Test
    void aStateOfARaisedGenerationIsWrittenUnderTheConditionThatAlsoReplacesALowerGenerationAtItsVersion() {
        assertThat(ProjectionsTable.writeCondition(projection())).isEqualTo(ProjectionsTable.ONLY_FORWARD_CONDITION);
        assertThat(ProjectionsTable.writeConditionValues(projection())).containsOnlyKeys(":version");
        Projection fixed = projection().withGeneration(2);
        assertThat(ProjectionsTable.writeCondition(fixed)).isEqualTo("attribute_not_exists(aggregateId) OR version"
                + " < :version OR (version = :version AND (attribute_not_exists(generation) OR generation < :generation))");
        assertThat(ProjectionsTable.writeConditionValues(fixed)).containsOnlyKeys(":version", ":generation");
        assertThat(ProjectionsTable.writeConditionValues(fixed).get(":generation").n()).isEqualTo("2");
        assertThat(ProjectionsTable.writeConditionValues(fixed).get(":version").n()).isEqualTo("12");
    }

    @Test
    void theTableIsKeyedByAggregateId() {
        CreateTableRequest request = ProjectionsTable.createTableRequest("projections");

        assertThat(request.tableName()).isEqualTo("projections");
        assertThat(request.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("aggregateId");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
    }

    @Test
    void projectionsDifferingInStateAreNotEqual() {
        Projection other = projection();
        other.setState("{}");

        assertThat(other).isNotEqualTo(projection());
    }
}
