package io.eventbackbone.job.source;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.awscore.exception.AwsServiceException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/** Tells Kinesis refusing a call for its rate limits (worth waiting out) from other failures. */
final class KinesisThrottling {

    private KinesisThrottling() {
    }

    /** True when the failure, or one of its causes, is Kinesis' answer to too many calls or too much data. */
    static boolean isThrottling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProvisionedThroughputExceededException || t instanceof LimitExceededException) {
                return true;
            }
            if (t instanceof AwsServiceException && ((AwsServiceException) t).isThrottlingException()) {
                return true;
            }
        }
        return false;
    }
}
