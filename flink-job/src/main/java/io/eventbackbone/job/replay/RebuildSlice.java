package io.eventbackbone.job.replay;

import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import org.apache.flink.util.Collector;

/**
 * Folds each selected aggregate of a slice from its first event up to the window's end with the current
 * domain logic, and emits one projection per aggregate: the state it had at {@code to}, marked with the
 * deployed logic's generation.
 */
final class RebuildSlice extends SliceFunction<Projection> {
    private static final long serialVersionUID = 1L;

    private final DomainLogics logics;
    private final long generation;

    RebuildSlice(ReplayRequest request, AwsClientSettings aws, String eventsTable, TimeIndexSettings index, DomainLogics logics,
                 long generation) {
        super(request, aws, eventsTable, index);
        this.logics = logics;
        this.generation = generation;
    }

    @Override
    void readSlice(SliceReader reader, int slice, Collector<Projection> out) {
        AggregateFold fold = new AggregateFold(logics);
        Projection[] current = new Projection[1];
        reader.read(slice, null, request.to().toEpochMilli(), request, new SliceReader.Visitor() {
            @Override
            public void aggregate(String aggregateId, String aggregateType) {
                emit(current, out);
            }

            @Override
            public void event(StoredEvent event) {
                if (!request.selectsAggregate(event.getAggregateId(), event.getAggregateType())) {
                    return;
                }
                countEvent(event.getType());
                current[0] = fold.next(current[0], event);
            }
        });
        emit(current, out);
    }

    private void emit(Projection[] current, Collector<Projection> out) {
        if (current[0] != null) {
            countAggregate();
            out.collect(current[0].withGeneration(generation));
            current[0] = null;
        }
    }
}
