package io.eventbackbone.job.replay;

import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.StoredEvent;
import org.apache.flink.util.Collector;

/** Emits the selected events of a slice that fall in the window, each aggregate's in version order. */
final class ReadWindowSlice extends SliceFunction<StoredEvent> {
    private static final long serialVersionUID = 1L;

    ReadWindowSlice(ReplayRequest request, AwsClientSettings aws, String eventsTable, TimeIndexSettings index) {
        super(request, aws, eventsTable, index);
    }

    @Override
    void readSlice(SliceReader reader, int slice, Collector<StoredEvent> out) {
        reader.read(slice, request.from().toEpochMilli(), request.to().toEpochMilli(), request, new SliceReader.Visitor() {
            private boolean counted;

            @Override
            public void aggregate(String aggregateId, String aggregateType) {
                counted = false;
            }

            @Override
            public void event(StoredEvent event) {
                if (!request.selectsAggregate(event.getAggregateId(), event.getAggregateType())
                        || !request.selectsEventType(event.getType())) {
                    return;
                }
                if (!counted) {
                    countAggregate();
                    counted = true;
                }
                countEvent(event.getType());
                out.collect(event);
            }
        });
    }
}
