package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eventbackbone.http.ProblemType;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HistoryReaderTest {

    private static List<Long> versions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::getVersion).collect(Collectors.toList());
    }

    @Test
    void theLatestStateIsTheProjectionWhenItIsAtTheNewestVersionAndReadsNoEvent() {
        Histories h = Histories.account("a", 40, 1);
        MemoryEventLog log = new MemoryEventLog().add(h);

        assertThat(new HistoryReader(log, Histories.LOGICS).latest("a")).isEqualTo(h.projection());
        assertThat(log.readCount().eventItems()).isZero();
    }

    @Test
    void aProjectionBehindTheLogIsFoldedOnToTheNewestVersion() {
        Histories h = Histories.generic("g", 30, 2, true);
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.projections.put("g", h.at(27));

        assertThat(new HistoryReader(log, Histories.LOGICS).latest("g")).isEqualTo(h.projection());
        assertThat(log.readCount().eventItems()).isEqualTo(3);
    }

    @Test
    void anUnknownAggregateIsNotFoundNamingTheAggregateId() {
        ReadProblem problem = catchThrowableOfType(ReadProblem.class,
                () -> new HistoryReader(new MemoryEventLog(), Histories.LOGICS).latest("nobody"));

        assertThat(problem.problem().type()).isEqualTo(ProblemType.NOT_FOUND);
        assertThat(problem.problem().toResponse(null).body()).contains("\"field\":\"aggregateId\"");
    }

    @Test
    void aVersionOutOfRangeIsRefusedNamingTheParameterAndItsRange() {
        Histories h = Histories.generic("g", 10, 3, false);
        HistoryReader reader = new HistoryReader(new MemoryEventLog().add(h), Histories.LOGICS);
        Projection latest = reader.latest("g");

        for (long bad : new long[] {0, 11}) {
            ReadProblem problem = catchThrowableOfType(ReadProblem.class, () -> reader.asOf("g", latest, bad, "toVersion"));
            assertThat(problem.problem().type()).isEqualTo(ProblemType.INVALID_PARAMETER);
            assertThat(problem.problem().toResponse(null).body()).contains("\"field\":\"toVersion\"")
                    .contains("between 1 and 10");
        }
    }

    @Test
    void theStateAsOfALateVersionAndTheEventsAfterItReadEachEventOnce() {
        Histories h = Histories.account("a", 100, 4);
        MemoryEventLog log = new MemoryEventLog().add(h);
        HistoryReader reader = new HistoryReader(log, Histories.LOGICS);
        Projection latest = reader.latest("a");

        assertThat(reader.asOf("a", latest, 90, "version")).isEqualTo(h.at(90));
        assertThat(versions(reader.events("a", 90, 100))).containsExactly(90L, 91L, 92L, 93L, 94L, 95L, 96L, 97L,
                98L, 99L, 100L);
        assertThat(reader.eventItemsRead()).isEqualTo(11);
    }

    @Test
    void theStateAsOfAnEarlyVersionIsFoldedAndOnlyTheEventsAfterItAreReadOnTop() {
        Histories h = Histories.account("a", 100, 5);
        MemoryEventLog log = new MemoryEventLog().add(h);
        HistoryReader reader = new HistoryReader(log, Histories.LOGICS);
        Projection latest = reader.latest("a");

        assertThat(reader.asOf("a", latest, 10, "version")).isEqualTo(h.at(10));
        assertThat(reader.events("a", 10, 100)).hasSize(91);
        assertThat(reader.eventItemsRead()).isEqualTo(100);
    }

    @Test
    void aGapInTheEventsIsAStoreStillSettling() {
        Histories h = Histories.generic("g", 12, 6, false);
        MemoryEventLog log = new MemoryEventLog().add(h);
        log.events.get("g").remove(11L);
        HistoryReader reader = new HistoryReader(log, Histories.LOGICS);

        ReadProblem problem = catchThrowableOfType(ReadProblem.class, () -> reader.events("g", 10, 12));

        assertThat(problem.problem().type()).isEqualTo(ProblemType.STORE_UNAVAILABLE);
        assertThat(problem.getMessage()).contains("version 11");
    }
}
