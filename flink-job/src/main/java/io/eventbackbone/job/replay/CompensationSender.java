package io.eventbackbone.job.replay;

import io.eventbackbone.domain.Compensation;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Puts a bug fix's compensations on the effects stream, where the gateway delivers them like any effect (at least
 * once, with their own keys). Records the stream refuses (throttled) are put again after a backoff, until a round
 * without progress lasts longer than the deadline.
 */
final class CompensationSender {
    /** PutRecords takes at most 500 records a call. */
    private static final int MAX_RECORDS_PER_CALL = 500;

    private final KinesisAsyncClient kinesis;
    private final String streamArn;
    private final Backoff backoff;
    private final long deadlineMillis;

    CompensationSender(KinesisAsyncClient kinesis, String streamArn, long deadlineMillis) {
        this.kinesis = kinesis;
        this.streamArn = streamArn;
        this.deadlineMillis = deadlineMillis;
        this.backoff = Backoff.exponentialHalfJitter(Duration.ofMillis(50), Duration.ofSeconds(5));
    }

    /** Sends every compensation; returns how many were put. */
    int send(List<Compensation> compensations) throws InterruptedException {
        List<PutRecordsRequestEntry> pending = new ArrayList<>(compensations.size());
        for (Compensation c : compensations) {
            OutboxEntry entry = c.entry();
            pending.add(PutRecordsRequestEntry.builder().partitionKey(entry.aggregateId())
                    .data(SdkBytes.fromByteArrayUnsafe(entry.toRecord())).build());
        }
        int total = pending.size();
        Backoff.Rounds rounds = backoff.rounds();
        while (!pending.isEmpty()) {
            List<PutRecordsRequestEntry> refused = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += MAX_RECORDS_PER_CALL) {
                List<PutRecordsRequestEntry> call = pending.subList(from, Math.min(pending.size(), from + MAX_RECORDS_PER_CALL));
                PutRecordsResponse answer = kinesis.putRecords(b -> b.streamARN(streamArn).records(call)).join();
                for (int i = 0; i < call.size(); i++) {
                    if (answer.records().get(i).errorCode() != null) {
                        refused.add(call.get(i));
                    }
                }
            }
            if (refused.size() < pending.size()) {
                rounds.progressed();
            } else {
                rounds.refused();
            }
            if (!refused.isEmpty()) {
                if (rounds.stalledFor(deadlineMillis)) {
                    throw new IllegalStateException(refused.size() + " of " + total + " compensations were not taken by "
                            + streamArn + " within " + deadlineMillis + " ms; the others were sent. Apply again with "
                            + "replay.send.compensations: their keys stay the same, so nothing is delivered twice");
                }
                backoff.sleep(rounds.nextDelay());
            }
            pending = refused;
        }
        return total;
    }
}
