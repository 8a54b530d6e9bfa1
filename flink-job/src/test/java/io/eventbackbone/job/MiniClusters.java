package io.eventbackbone.job;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster a streaming-job test class runs its jobs on. */
final class MiniClusters {

    private MiniClusters() {
    }

    /** One task manager with four slots: a job of parallelism 2, and room for a second during an upgrade. */
    static MiniClusterExtension fourSlots() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .build());
    }
}
