package io.eventbackbone.job.process;

import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.InvalidEnvelopeException;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses each record against the envelope contract. A record that fails becomes a rejection with its
 * original bytes; nothing is dropped and nothing here can fail the job.
 */
public final class RecordParser extends ProcessFunction<SourceRecord, Submission> {
    private static final long serialVersionUID = 1L;

    private transient RejectionCounters rejections;

    @Override
    public void open(Configuration parameters) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        rejections = new RejectionCounters(group);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<Submission> out) {
        try {
            out.collect(new Submission(EnvelopeCodec.decode(record.getPayload(), EnvelopeCodec.Source.STREAM),
                    record.getArrivalMillis(), record.position()));
        } catch (InvalidEnvelopeException e) {
            RejectionReason reason = e.isTooLarge() ? RejectionReason.TOO_LARGE
                    : e.isMalformed() ? RejectionReason.MALFORMED : RejectionReason.INVALID_ENVELOPE;
            reject(record, reason, e.getMessage(), ctx);
        } catch (RuntimeException e) {
            // A parser bug must not stop the stream: the record is kept as a rejection for inspection.
            reject(record, RejectionReason.MALFORMED, "unreadable record: " + e, ctx);
        }
    }

    private void reject(SourceRecord record, RejectionReason reason, String detail, Context ctx) {
        rejections.count(reason);
        ctx.output(Outputs.REJECTIONS, Rejection.of(record.position(), reason, detail, null, null,
                record.getPayload(), record.getArrivalMillis(), record.position()));
    }
}
