package io.eventbackbone.bench;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** A Kinesis client that only records: every PutRecords entry is confirmed at once with a made-up sequence number. */
final class RecordingKinesisClient implements KinesisClient {
    private long records;
    private long bytes;
    private long sequence;

    @Override
    public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
        List<PutRecordsResultEntry> results = new ArrayList<>(request.records().size());
        for (int i = 0; i < request.records().size(); i++) {
            bytes += request.records().get(i).data().asByteArrayUnsafe().length;
            results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                    .sequenceNumber(Long.toString(++sequence)).build());
        }
        records += results.size();
        return PutRecordsResponse.builder().records(results).failedRecordCount(0).build();
    }

    synchronized long records() {
        return records;
    }

    synchronized long bytes() {
        return bytes;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
