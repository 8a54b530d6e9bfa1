package io.eventbackbone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark run hands the cost model the figures it measured, or says which ones it lacks. */
class BenchmarkMainCostTest {

    private static Results measuredRun() {
        Results results = new Results();
        results.add("1b", "job cost, RocksDB", 40_000, "events/s", "bound", 200_000.0);
        results.add("2a", "requests per event", 0.75, "requests/event", "naive", 2.0);
        results.add("2b", "WCU per event", 1.7, "WCU/event", "naive", 2.0);
        results.add("5c", "ingest batch of 500, p50", 6.0, "ms", "", null);
        results.details("1-job-cost").put("meanEnvelopeBytes", 306.0);
        results.details("2-dynamodb-cost").putObject("perEvent").putObject("events").put("bytes", 346.0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) results.details("2-dynamodb-cost").get("perEvent"))
                .putObject("timeIndex").put("bytes", 25.0);
        return results;
    }

    @Test
    void aRunOfEveryFigureGetsTheCostTableAndItsDetails() {
        Results results = measuredRun();
        String table = BenchmarkMain.costModel(results, Set.of("1", "2", "3", "4", "5", "6", "7", "8"));
        assertThat(table).contains("10,000 events/s").contains("dominates");
        assertThat(results.details("cost-model").path("figures").path("jobEventsPerSecondPerCore").asDouble())
                .isEqualTo(20_000.0);
        assertThat(results.details("cost-model").path("figures").path("naiveWcuPerEvent").asDouble()).isEqualTo(2.0);
        assertThat(results.details("cost-model").path("loads")).hasSize(3);
    }

    @Test
    void aSubsetOfFiguresSaysWhichOnesTheCostModelNeeds() {
        Results results = measuredRun();
        assertThat(BenchmarkMain.costModel(results, Set.of("1", "8"))).isNull();
        assertThat(results.details("cost-model").path("notComputed").asText())
                .contains("needs figures 1, 2, 5").contains("not run: 2, 5");
    }

    @Test
    void aFigureThatFailedInTheRunIsNamed() {
        Results results = measuredRun();
        results.details.remove("1-job-cost");
        assertThat(BenchmarkMain.costModel(results, Set.of("1", "2", "5"))).isNull();
        assertThat(results.details("cost-model").path("notComputed").asText()).contains("recordBytesPerEvent");
    }
}
