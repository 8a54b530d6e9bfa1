package io.eventbackbone.job.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorState;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorStateSerializer;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplitSerializer;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.junit.jupiter.api.Test;

class ShardLineageStateSerializerTest {

    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/events";

    private final ShardLineageStateSerializer serializer = new ShardLineageStateSerializer();

    @Test
    void aCheckpointReadsBackWithParentsPositionsAndAssignment() throws IOException {
        ShardLineageState state = new ShardLineageState("shardId-000000000006", List.of(
                new ShardLineageState.TrackedShard(split("shardId-000000000002", StartingPosition.continueFromSequenceNumber("4955")),
                        List.of(), true),
                new ShardLineageState.TrackedShard(split("shardId-000000000005", StartingPosition.fromTimestamp(Instant.ofEpochMilli(1767225600000L))),
                        List.of("shardId-000000000002"), false),
                new ShardLineageState.TrackedShard(split("shardId-000000000006", StartingPosition.fromStart()),
                        List.of("shardId-000000000003", "shardId-000000000004"), false),
                new ShardLineageState.TrackedShard(split("shardId-000000000007", StartingPosition.fromStart()), null, false)));

        ShardLineageState read = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(read.lastSeenShardId()).isEqualTo("shardId-000000000006");
        assertThat(read.shards()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            ShardLineageState.TrackedShard expected = state.shards().get(i);
            ShardLineageState.TrackedShard actual = read.shards().get(i);
            assertThat(actual.split()).isEqualTo(expected.split());
            assertThat(actual.parentShardIds()).isEqualTo(expected.parentShardIds());
            assertThat(actual.assigned()).isEqualTo(expected.assigned());
        }
    }

    @Test
    void aFirstCheckpointBeforeAnyListingReadsBack() throws IOException {
        ShardLineageState read = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(new ShardLineageState(null, List.of())));

        assertThat(read.lastSeenShardId()).isNull();
        assertThat(read.shards()).isEmpty();
    }

    @Test
    void theConnectorsEnumeratorStateInOlderSavepointsReadsAsWaitingShardsWithParentsNotKnown() throws IOException {
        Set<KinesisShardSplit> unassigned = new LinkedHashSet<>(List.of(
                split("shardId-000000000004", StartingPosition.fromStart()),
                split("shardId-000000000003", StartingPosition.fromStart())));
        KinesisStreamsSourceEnumeratorStateSerializer connector =
                new KinesisStreamsSourceEnumeratorStateSerializer(new KinesisShardSplitSerializer());
        byte[] bytes = connector.serialize(new KinesisStreamsSourceEnumeratorState(unassigned, "shardId-000000000004"));

        ShardLineageState read = serializer.deserialize(connector.getVersion(), bytes);

        assertThat(read.lastSeenShardId()).isEqualTo("shardId-000000000004");
        assertThat(read.shards()).extracting(t -> t.split().getShardId())
                .containsExactly("shardId-000000000003", "shardId-000000000004");
        assertThat(read.shards()).allSatisfy(t -> {
            assertThat(t.parentShardIds()).isNull();
            assertThat(t.assigned()).isFalse();
        });
    }

    @Test
    void anUnknownVersionIsRefusedNamingTheVersionsRead() {
        assertThatThrownBy(() -> serializer.deserialize(7, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 7")
                .hasMessageContaining("0 and 1");
    }

    private static KinesisShardSplit split(String shardId, StartingPosition position) {
        return new KinesisShardSplit(ARN, shardId, position);
    }
}
