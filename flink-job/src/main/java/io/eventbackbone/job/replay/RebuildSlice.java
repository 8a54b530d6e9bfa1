package io.eventbackbone.job.replay;

import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.Compensation;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;

/**
 * Folds each selected aggregate of a slice from its first event up to the window's end with the current
 * domain logic, and emits one projection per aggregate: the state it had at {@code to}, marked with the
 * deployed logic's generation. A preview also compares, event by event, the effects the deployed logic returns
 * with those the stored event sent, and marks the projection with what the fix owes external systems.
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
        boolean compensates = request.target() == ReplayRequest.Target.PREVIEW;
        List<OutboxEntry> decided = new ArrayList<>();
        // What the aggregate being folded is owed so far (previews only).
        List<Compensation> owed = new ArrayList<>();
        reader.read(slice, null, request.to().toEpochMilli(), request, new SliceReader.Visitor() {
            @Override
            public void aggregate(String aggregateId, String aggregateType) {
                emit(current, owed, out);
            }

            @Override
            public void event(StoredEvent event) {
                if (!request.selectsAggregate(event.getAggregateId(), event.getAggregateType())) {
                    return;
                }
                countEvent(event.getType());
                if (!compensates) {
                    current[0] = fold.next(current[0], event);
                    return;
                }
                decided.clear();
                current[0] = fold.next(current[0], event, decided);
                owed.addAll(Compensation.between(event, decided));
            }
        });
        emit(current, owed, out);
    }

    private void emit(Projection[] current, List<Compensation> owed, Collector<Projection> out) {
        if (current[0] != null) {
            countAggregate();
            Projection folded = current[0].withGeneration(generation);
            folded.setCompensations(Compensation.toJson(owed));
            out.collect(folded);
            current[0] = null;
        }
        owed.clear();
    }
}
