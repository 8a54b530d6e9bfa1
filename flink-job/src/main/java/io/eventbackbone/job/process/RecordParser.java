package io.eventbackbone.job.process;

import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.InvalidEnvelopeException;
import io.eventbackbone.event.Violation;
import io.eventbackbone.job.source.CorruptAggregatedRecordException;
import io.eventbackbone.job.source.KplAggregatedRecord;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses each record against the envelope contract. A record that fails becomes a rejection with its
 * original bytes; nothing is dropped and nothing here can fail the job. A reversal or reversion must also
 * carry what the decision needs ({@link Reversals#violations}): the ingest builds them whole, another producer
 * may not.
 *
 * <p>A record in the KPL aggregated format (written by another producer) is split into its user records,
 * each parsed as a submission of its own at position {@code shard/sequence/index}; one that cannot be read
 * is refused whole as {@link RejectionReason#CORRUPT_AGGREGATED_RECORD}. Any other record keeps its plain
 * position {@code shard/sequence}, as before aggregated records were read.
 */
public final class RecordParser extends ProcessFunction<SourceRecord, ArrivedEvent> {
    private static final long serialVersionUID = 1L;

    private transient RejectionCounters rejections;

    @Override
    public void open(Configuration parameters) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        rejections = new RejectionCounters(group);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<ArrivedEvent> out) {
        if (!KplAggregatedRecord.isAggregated(record.getPayload())) {
            parse(record.getPayload(), record.position(), record.getArrivalMillis(), ctx, out);
            return;
        }
        List<byte[]> userRecords;
        try {
            userRecords = KplAggregatedRecord.userRecords(record.getPayload());
        } catch (CorruptAggregatedRecordException e) {
            rejectCorrupt(record, "KPL aggregated record: " + e.getMessage(), ctx);
            return;
        } catch (RuntimeException e) {
            rejectCorrupt(record, "unreadable KPL aggregated record: " + e, ctx);
            return;
        }
        for (int i = 0; i < userRecords.size(); i++) {
            parse(userRecords.get(i), record.position(i), record.getArrivalMillis(), ctx, out);
        }
    }

    private void parse(byte[] payload, String position, long arrivalMillis, Context ctx, Collector<ArrivedEvent> out) {
        try {
            EventEnvelope envelope = EnvelopeCodec.decode(payload, EnvelopeCodec.Source.STREAM);
            List<Violation> reversal = Reversals.violations(envelope);
            if (!reversal.isEmpty()) {
                // Its effect was computed for one version of the aggregate; applying a part of it, or at another
                // version, would give a state nobody decided. Refused with its ids, so /submissions finds it.
                RejectionReason reason = RejectionReason.INVALID_ENVELOPE;
                reject(reason, Rejection.of(position, reason, new InvalidEnvelopeException(reversal).getMessage(),
                        envelope.getAggregateId(), envelope.getEventId(), payload, arrivalMillis, position), ctx);
                return;
            }
            out.collect(new ArrivedEvent(envelope, arrivalMillis, position));
        } catch (InvalidEnvelopeException e) {
            RejectionReason reason = e.isTooLarge() ? RejectionReason.TOO_LARGE
                    : e.isMalformed() ? RejectionReason.MALFORMED : RejectionReason.INVALID_ENVELOPE;
            reject(reason, Rejection.of(position, reason, e.getMessage(), null, null, payload, arrivalMillis, position),
                    ctx);
        } catch (RuntimeException e) {
            // A parser bug must not stop the stream: the record is kept as a rejection for inspection.
            reject(RejectionReason.MALFORMED, Rejection.of(position, RejectionReason.MALFORMED,
                    "unreadable record: " + e, null, null, payload, arrivalMillis, position), ctx);
        }
    }

    private void rejectCorrupt(SourceRecord record, String detail, Context ctx) {
        RejectionReason reason = RejectionReason.CORRUPT_AGGREGATED_RECORD;
        reject(reason, Rejection.ofWholeRecord(record.position(), reason, detail, record.getPayload(),
                record.getArrivalMillis(), record.position()), ctx);
    }

    private void reject(RejectionReason reason, Rejection rejection, Context ctx) {
        rejections.count(reason);
        ctx.output(SideOutputTags.REJECTIONS, rejection);
    }
}
