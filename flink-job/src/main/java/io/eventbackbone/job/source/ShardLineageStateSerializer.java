package io.eventbackbone.job.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorState;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorStateSerializer;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes {@link ShardLineageState} as version 1. Reads version 1, and version 0: the state of the connector's
 * own enumerator (flink-connector-kinesis 4.3), which savepoints of earlier releases of this job hold. Its
 * unassigned shards come back with their parents not known; the enumerator learns them from a listing of
 * the whole stream before it assigns them.
 */
public final class ShardLineageStateSerializer implements SimpleVersionedSerializer<ShardLineageState> {

    static final int CONNECTOR_VERSION = 0;
    static final int LINEAGE_VERSION = 1;

    private final KinesisShardSplitSerializer splits = new KinesisShardSplitSerializer();

    @Override
    public int getVersion() {
        return LINEAGE_VERSION;
    }

    @Override
    public byte[] serialize(ShardLineageState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(state.lastSeenShardId() != null);
            if (state.lastSeenShardId() != null) {
                out.writeUTF(state.lastSeenShardId());
            }
            out.writeInt(splits.getVersion());
            out.writeInt(state.shards().size());
            for (ShardLineageState.TrackedShard shard : state.shards()) {
                byte[] split = splits.serialize(shard.split());
                out.writeInt(split.length);
                out.write(split);
                out.writeBoolean(shard.assigned());
                List<String> parents = shard.parentShardIds();
                out.writeInt(parents == null ? -1 : parents.size());
                if (parents != null) {
                    for (String parent : parents) {
                        out.writeUTF(parent);
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public ShardLineageState deserialize(int version, byte[] serialized) throws IOException {
        if (version == CONNECTOR_VERSION) {
            return fromConnectorState(new KinesisStreamsSourceEnumeratorStateSerializer(splits)
                    .deserialize(version, serialized));
        }
        if (version != LINEAGE_VERSION) {
            throw new IOException("the shard enumerator's checkpoint has version " + version
                    + "; this job reads versions " + CONNECTOR_VERSION + " and " + LINEAGE_VERSION);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String lastSeen = in.readBoolean() ? in.readUTF() : null;
            int splitVersion = in.readInt();
            int count = in.readInt();
            List<ShardLineageState.TrackedShard> shards = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] split = new byte[in.readInt()];
                in.readFully(split);
                KinesisShardSplit shard = splits.deserialize(splitVersion, split);
                boolean assigned = in.readBoolean();
                int parentCount = in.readInt();
                List<String> parents = null;
                if (parentCount >= 0) {
                    parents = new ArrayList<>(parentCount);
                    for (int p = 0; p < parentCount; p++) {
                        parents.add(in.readUTF());
                    }
                }
                shards.add(new ShardLineageState.TrackedShard(shard, parents, assigned));
            }
            if (in.available() > 0) {
                throw new IOException("the shard enumerator's checkpoint has " + in.available() + " bytes past its end");
            }
            return new ShardLineageState(lastSeen, shards);
        }
    }

    private static ShardLineageState fromConnectorState(KinesisStreamsSourceEnumeratorState state) {
        List<ShardLineageState.TrackedShard> shards = new ArrayList<>();
        for (KinesisShardSplit split : state.getUnassignedSplits()) {
            shards.add(new ShardLineageState.TrackedShard(split, null, false));
        }
        // The connector kept a set; discovery order is shard id order.
        shards.sort((a, b) -> a.split().getShardId().compareTo(b.split().getShardId()));
        return new ShardLineageState(state.getLastSeenShardId(), shards);
    }
}
