package io.eventbackbone.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.bench.LatencyBreakdown.Mark;
import io.eventbackbone.bench.LatencyBreakdown.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breakdown's arithmetic against stage times written out by hand, in microseconds on one clock. */
class LatencyBreakdownTest {

    /**
     * An event whose marks follow from its stage times: 202 at 1,000,000 us, then each stage's time after the mark
     * before it (202 -> arrival, arrival -> read, read -> decided, decided -> sent, sent -> answered, answered -> seen).
     */
    private static long[] event(long... stageMicros) {
        long[] marks = new long[Mark.values().length];
        marks[0] = 1_000_000;
        for (int i = 0; i < stageMicros.length; i++) {
            marks[i + 1] = marks[i] + stageMicros[i];
        }
        return marks;
    }

    @Test
    void eachStageIsTheTimeFromOneMarkToTheNextAndTheLastIsTheWholeLatency() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        breakdown.add(event(-30_000, 150_000, 4_000, 120_000, 2_000, 8_000));

        List<Stage> stages = breakdown.stages();

        assertThat(stages).extracting(s -> s.p50Millis).containsExactly(-30.0, 150.0, 4.0, 120.0, 2.0, 8.0, 254.0);
        assertThat(stages.get(0).from).isEqualTo(Mark.ACCEPTED);
        assertThat(stages.get(0).to).isEqualTo(Mark.ARRIVED);
        assertThat(stages.get(stages.size() - 1).from).isEqualTo(Mark.ACCEPTED);
        assertThat(stages.get(stages.size() - 1).to).isEqualTo(Mark.READABLE);
    }

    @Test
    void theStagesMeansAddUpToTheMeanOfTheWholeLatency() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        breakdown.add(event(-30_000, 150_000, 4_000, 120_000, 2_000, 8_000));
        breakdown.add(event(-10_000, 900_000, 60_000, 10_000, 30_000, 1_000));
        breakdown.add(event(-200_000, 50_000, 1_000, 190_000, 3_000, 12_000));

        List<Stage> stages = breakdown.stages();
        double sumOfMeans = stages.subList(0, stages.size() - 1).stream().mapToDouble(s -> s.meanMillis).sum();

        assertThat(stages.get(stages.size() - 1).meanMillis).isCloseTo((254.0 + 991.0 + 56.0) / 3, within(1e-9));
        assertThat(sumOfMeans).isCloseTo(stages.get(stages.size() - 1).meanMillis, within(1e-9));
    }

    @Test
    void p50AndP99OfAStageAreTakenOverItsOwnTimesNotTheOrderOfTheWholeLatency() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        // 100 events: the source read takes 1..100 ms, the sink buffer 100..1 ms, every other stage nothing.
        for (int i = 1; i <= 100; i++) {
            breakdown.add(event(0, i * 1000L, 0, (101 - i) * 1000L, 0, 0));
        }

        List<Stage> stages = breakdown.stages();

        assertThat(stages.get(1).p50Millis).isEqualTo(50.0);
        assertThat(stages.get(1).p99Millis).isEqualTo(99.0);
        assertThat(stages.get(3).p50Millis).isEqualTo(50.0);
        assertThat(stages.get(3).p99Millis).isEqualTo(99.0);
        assertThat(stages.get(6).p99Millis).isEqualTo(101.0);
    }

    @Test
    void anEventWithoutEveryMarkIsLeftOutOfEveryStageSoTheyAllDescribeTheSameEvents() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        breakdown.add(event(-30_000, 150_000, 4_000, 120_000, 2_000, 8_000));
        long[] neverRead = event(-5_000, 5_000_000, 1_000, 1_000, 1_000, 1_000);
        neverRead[Mark.READ.ordinal()] = LatencyBreakdown.MISSING;
        breakdown.add(neverRead);

        assertThat(breakdown.completeEvents()).isEqualTo(1);
        assertThat(breakdown.incompleteEvents()).isEqualTo(1);
        assertThat(breakdown.stages()).allSatisfy(s -> assertThat(s.events).isEqualTo(1));
        assertThat(breakdown.stages().get(1).p99Millis).isEqualTo(150.0);
    }

    @Test
    void aStageCanBeNegativeWhenTheRecordLandsBeforeThe202() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        breakdown.add(event(-400_000, 100_000, 1_000, 100_000, 1_000, 1_000));

        assertThat(breakdown.stages().get(0).p50Millis).isEqualTo(-400.0);
        assertThat(breakdown.stages().get(6).p50Millis).isEqualTo(-197.0);
    }

    @Test
    void marksOfTheWrongLengthAreRefusedNamingWhatWasExpected() {
        assertThatThrownBy(() -> new LatencyBreakdown().add(new long[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected " + Mark.values().length);
    }

    @Test
    void theJsonHoldsEveryStageWithItsMarksAndFigures() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        breakdown.add(event(-30_000, 150_000, 4_000, 120_000, 2_000, 8_000));
        ObjectNode out = Results.JSON.createObjectNode();

        breakdown.writeTo(out);

        assertThat(out.path("eventsWithEveryMark").asInt()).isEqualTo(1);
        assertThat(out.path("stages")).hasSize(7);
        assertThat(out.path("stages").get(3).path("from").asText()).isEqualTo("DECIDED");
        assertThat(out.path("stages").get(3).path("to").asText()).isEqualTo("SENT");
        assertThat(out.path("stages").get(3).path("p99Millis").asDouble()).isEqualTo(120.0);
    }

    @Test
    void whatTheSlowestEventsSpentInEachStageAddsUpToTheirWholeLatency() {
        LatencyBreakdown breakdown = new LatencyBreakdown();
        // 198 quick events and 2 slow ones (1% of 200): one slow at the source, one in the sink buffer.
        for (int i = 0; i < 198; i++) {
            breakdown.add(event(-10_000, 50_000, 1_000, 20_000, 1_000, 1_000));
        }
        breakdown.add(event(-10_000, 900_000, 1_000, 20_000, 1_000, 1_000));
        breakdown.add(event(-10_000, 50_000, 1_000, 700_000, 1_000, 1_000));

        List<Stage> stages = breakdown.stages();

        assertThat(stages).extracting(s -> s.slowestMeanMillis)
                .containsExactly(-10.0, 475.0, 1.0, 360.0, 1.0, 1.0, 828.0);
        double sum = stages.subList(0, stages.size() - 1).stream().mapToDouble(s -> s.slowestMeanMillis).sum();
        assertThat(sum).isCloseTo(stages.get(stages.size() - 1).slowestMeanMillis, within(1e-9));
    }
}
