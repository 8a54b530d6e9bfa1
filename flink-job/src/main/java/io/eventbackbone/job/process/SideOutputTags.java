package io.eventbackbone.job.process;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the parser and the decider. */
public final class SideOutputTags {
    public static final OutputTag<Rejection> REJECTIONS =
            new OutputTag<>("rejections", TypeInformation.of(Rejection.class));
    public static final OutputTag<Projection> PROJECTIONS =
            new OutputTag<>("projections", ProjectionSerializer.TYPE);
    /** The effects of the events the decider stores, for the effects stream (the outbox). */
    public static final OutputTag<OutboxEntry> EFFECTS = new OutputTag<>("effects", OutboxEntrySerializer.TYPE);

    private SideOutputTags() {
    }
}
