package io.eventbackbone.job.replay;

import io.eventbackbone.job.aws.AwsClientSettings;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** How a projection rebuild may write to its table. */
final class RebuildTarget {

    private RebuildTarget() {
    }

    /**
     * Unconditional writes when asked to overwrite, or when the target is fresh: not the live projections
     * table (which the streaming job may write at the same time) and empty when the rebuild starts. Anything
     * else gets version-conditional writes, so that no item moves backwards.
     */
    static RebuildSink.Mode mode(ReplayRequest request, String liveProjectionsTable, AwsClientSettings aws) {
        if (request.overwrite()) {
            return RebuildSink.Mode.UNCONDITIONAL;
        }
        if (request.projectionTable().equals(liveProjectionsTable)) {
            return RebuildSink.Mode.CONDITIONAL;
        }
        try (DynamoDbAsyncClient dynamo = aws.dynamoDbAsyncClient(1)) {
            return isEmpty(dynamo, request.projectionTable()) ? RebuildSink.Mode.UNCONDITIONAL : RebuildSink.Mode.CONDITIONAL;
        }
    }

    static boolean isEmpty(DynamoDbAsyncClient dynamo, String table) {
        ScanResponse page = dynamo.scan(b -> b.tableName(table).limit(1).consistentRead(true)).join();
        // A page with no item but a key to go on from means the scan stopped early, not that nothing is there.
        return page.count() == 0 && (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty());
    }
}
