package io.eventbackbone.job.source;

import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

/** Keeps the raw bytes and the record's arrival time; parsing happens in the job, where failures become rejections. */
public final class SourceRecordDeserializer implements KinesisDeserializationSchema<SourceRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(Record record, String stream, String shardId, Collector<SourceRecord> out) {
        Instant arrival = record.approximateArrivalTimestamp();
        out.collect(new SourceRecord(record.data().asByteArrayUnsafe(),
                arrival == null ? 0L : arrival.toEpochMilli(), shardId, record.sequenceNumber()));
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
