package io.eventbackbone.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cost model against arithmetic done by hand: small, round figures and prices, each expected number written
 * out from its formula here. The deployed sizes are the template's defaults (checked by DeployedSizesTest): an
 * ingest Lambda of 1 GB, 2 KPUs for the job, 3 on-demand streams (events, playback, effects), the events stream kept 168 hours, 1 playback shard.
 */
class CostModelTest {
    private static final double SECONDS = 730 * 3600.0;
    private static final double TOLERANCE = 1e-6;

    private static Map<String, Double> figures() {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("jobEventsPerSecondPerCore", 400.0);
        f.put("wcuPerEvent", 1.5);
        f.put("writeRequestsPerEvent", 0.5);
        f.put("naiveWcuPerEvent", 2.0);
        f.put("naiveWriteRequestsPerEvent", 2.0);
        f.put("ingestMillisPerRequest", 3.2);
        f.put("eventsPerIngestRequest", 10.0);
        f.put("recordBytesPerEvent", 300.0);
        f.put("eventItemBytes", 400.0);
        f.put("timeIndexBytesPerEvent", 24.0);
        return f;
    }

    private static Map<String, Double> priceMap() {
        Map<String, Double> p = new HashMap<>();
        p.put("apiGatewayRestPerMillionRequests", 3.5);
        p.put("lambdaArmPerGbSecond", 0.00001);
        p.put("lambdaPerMillionRequests", 0.2);
        p.put("kinesisOnDemandPerStreamHour", 0.04);
        p.put("kinesisOnDemandPerGbIn", 0.08);
        p.put("kinesisOnDemandPerGbOut", 0.04);
        p.put("kinesisOnDemandRetentionPerGbMonth", 0.1);
        p.put("kinesisProvisionedPerShardHour", 0.015);
        p.put("kinesisProvisionedPerMillionPutPayloadUnits", 0.014);
        p.put("kinesisProvisionedRetentionPerShardHour", 0.02);
        p.put("flinkPerKpuHour", 0.11);
        p.put("flinkRunningStoragePerGbMonth", 0.1);
        p.put("dynamoDbOnDemandPerMillionWriteUnits", 0.625);
        p.put("dynamoDbProvisionedPerWcuHour", 0.00065);
        p.put("dynamoDbStoragePerGbMonth", 0.25);
        p.put("dynamoDbPitrPerGbMonth", 0.2);
        return p;
    }

    private static CostModel model(Map<String, Double> figures) {
        return new CostModel(new CostModel.Figures(figures), new PriceTable("test", "2026-12-03", priceMap()),
                new CostModel.Assumptions(5, 100, 1, 100, 0.5));
    }

    private static CostModel.LoadCost at(double eventsPerSecond) {
        return model(figures()).at(eventsPerSecond);
    }

    @Test
    void apiGatewayBillsEachIngestRequestOfTheClientsBatch() {
        // 100 events/s x 2,628,000 s = 262,800,000 events, 10 a request: 26,280,000 requests at $3.50 a million.
        assertThat(at(100).ours.line(CostModel.API_GATEWAY).usdPerMonth).isCloseTo(26.28 * 3.5, within(TOLERANCE));
    }

    @Test
    void ingestLambdaBillsRequestsAndWholeMillisecondsOfHandlerAndPutRecordsWait() {
        // 26,280,000 invocations; ceil(3.2 ms + 5 ms) = 9 ms at 1 GB: 236,520 GB-s.
        double expected = 26.28 * 0.2 + 26_280_000 * 0.009 * 1 * 0.00001;
        assertThat(at(100).ours.line(CostModel.LAMBDA_INGEST).usdPerMonth).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void kinesisOnDemandBillsStreamHoursAndEachRecordAsAWholeKilobyteInOutAndRetained() {
        double gbPerMonth = 100 * SECONDS * 1 / (1024 * 1024);
        double retainedGb = 100 * 1.0 / (1024 * 1024) * (168 - 24) * 3600;
        double expected = 3 * 730 * 0.04 + gbPerMonth * 0.08 + gbPerMonth * 0.04 + retainedGb * 0.1;
        CostModel.Line line = at(100).ours.line(CostModel.KINESIS_ON_DEMAND);
        assertThat(line.usdPerMonth).isCloseTo(expected, within(TOLERANCE));
        assertThat(line.inTotal).as("the template's stream mode is ON_DEMAND").isTrue();
    }

    @Test
    void kinesisProvisionedSizesShardsByRecordsPerSecondAndIsShownBesideTheTotal() {
        // 10,000 records/s of 300 B: 10 shards by records (3 by bytes), plus the playback and effects shards; 1 PUT unit a record.
        double expected = (10 + 1 + 1) * 730 * 0.015 + 10_000 * SECONDS / 1e6 * 0.014 + 10 * 730 * 0.02;
        CostModel.Line line = at(10_000).ours.line(CostModel.KINESIS_PROVISIONED);
        assertThat(line.usdPerMonth).isCloseTo(expected, within(TOLERANCE));
        assertThat(line.inTotal).isFalse();
    }

    @Test
    void flinkKeepsTheDeployedKpusWhenTheMeasuredRateNeedsFewer() {
        // 100 / 400 per core needs 1 KPU; the template deploys 2; plus the application's KPU; 50 GB storage per KPU.
        double expected = 3 * 730 * 0.11 + 2 * 50 * 0.1;
        assertThat(at(100).ours.line(CostModel.FLINK).usdPerMonth).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void flinkSizesKpusFromTheMeasuredEventsPerSecondPerCore() {
        // 10,000 / 400 = 25 KPUs + 1.
        double expected = 26 * 730 * 0.11 + 25 * 50 * 0.1;
        assertThat(at(10_000).ours.line(CostModel.FLINK).usdPerMonth).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void dynamoDbWritesBillTheMeasuredWriteUnitsPerEventForEachDesign() {
        CostModel.LoadCost cost = at(100);
        assertThat(cost.ours.line(CostModel.DYNAMODB_WRITES).usdPerMonth).isCloseTo(262.8 * 1.5 * 0.625, within(TOLERANCE));
        assertThat(cost.article.line(CostModel.DYNAMODB_WRITES).usdPerMonth).isCloseTo(262.8 * 2 * 0.625, within(TOLERANCE));
    }

    @Test
    void storageGrowthCountsTheItemOverheadAndTheTimeIndexOnlyForOurDesign() {
        CostModel.LoadCost cost = at(100);
        double gib = 1024.0 * 1024 * 1024;
        assertThat(cost.ours.line(CostModel.DYNAMODB_STORAGE).usdPerMonth)
                .isCloseTo(262_800_000L * (400 + 100 + 24) / gib * (0.25 + 0.2), within(TOLERANCE));
        assertThat(cost.article.line(CostModel.DYNAMODB_STORAGE).usdPerMonth)
                .isCloseTo(262_800_000L * (400 + 100) / gib * (0.25 + 0.2), within(TOLERANCE));
    }

    @Test
    void articlePumpLambdaRunsOncePerBatchForTheHandlingAndOneInvoke() {
        // 2,628,000 batches of 100; ceil(100 x 0.32 ms + 5 ms) = 37 ms at 1 GB.
        double expected = 2.628 * 0.2 + 2_628_000 * 0.037 * 0.00001;
        assertThat(at(100).article.line(CostModel.LAMBDA_PUMP).usdPerMonth).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void articleWriteLambdaWaitsForEachPutItemOfEachEvent() {
        // ceil(100 x 0.32 ms + 100 x 2 PutItem x 5 ms) = 1,032 ms per batch.
        double expected = 2.628 * 0.2 + 2_628_000 * 1.032 * 0.00001;
        assertThat(at(100).article.line(CostModel.LAMBDA_WRITE).usdPerMonth).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void theDesignsShareTheFrontEndAndDifferAfterTheStream() {
        CostModel.LoadCost cost = at(1_000);
        assertThat(cost.ours.lines).extracting(l -> l.service).containsExactly(CostModel.API_GATEWAY,
                CostModel.LAMBDA_INGEST, CostModel.KINESIS_ON_DEMAND, CostModel.KINESIS_PROVISIONED, CostModel.FLINK,
                CostModel.DYNAMODB_WRITES, CostModel.DYNAMODB_STORAGE);
        assertThat(cost.article.lines).extracting(l -> l.service).containsExactly(CostModel.API_GATEWAY,
                CostModel.LAMBDA_INGEST, CostModel.KINESIS_ON_DEMAND, CostModel.KINESIS_PROVISIONED, CostModel.LAMBDA_PUMP,
                CostModel.LAMBDA_WRITE, CostModel.DYNAMODB_WRITES, CostModel.DYNAMODB_STORAGE);
    }

    @Test
    void theTotalAddsTheLinesInTheTotalAndLeavesTheAlternativeOut() {
        CostModel.LoadCost cost = at(100);
        double gb = 100 * SECONDS / (1024 * 1024);
        double expected = 26.28 * 3.5
                + 26.28 * 0.2 + 26_280_000 * 0.009 * 0.00001
                + 3 * 730 * 0.04 + gb * 0.12 + 100.0 / (1024 * 1024) * 144 * 3600 * 0.1
                + 3 * 730 * 0.11 + 2 * 50 * 0.1
                + 262.8 * 1.5 * 0.625
                + 262_800_000L * 524 / (1024.0 * 1024 * 1024) * 0.45;
        assertThat(cost.ours.total()).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void perEventLinesGrowTenfoldWithTheLoadAndHourlyOnesDoNot() {
        CostModel.LoadCost thousand = at(1_000);
        CostModel.LoadCost tenThousand = at(10_000);
        for (String service : new String[] {CostModel.API_GATEWAY, CostModel.LAMBDA_INGEST, CostModel.DYNAMODB_WRITES,
                CostModel.DYNAMODB_STORAGE}) {
            assertThat(tenThousand.ours.line(service).usdPerMonth).as(service)
                    .isCloseTo(10 * thousand.ours.line(service).usdPerMonth, within(TOLERANCE));
        }
        // The stream hours stay 3 x 730 x $0.04 = $87.60 whatever the load; only the data grows.
        double perGb = 0.08 + 0.04 + 144 * 3600 / SECONDS * 0.1;
        assertThat(tenThousand.ours.line(CostModel.KINESIS_ON_DEMAND).usdPerMonth - 87.6)
                .isCloseTo(10 * (thousand.ours.line(CostModel.KINESIS_ON_DEMAND).usdPerMonth - 87.6), within(TOLERANCE));
        assertThat(thousand.ours.line(CostModel.KINESIS_ON_DEMAND).usdPerMonth - 87.6)
                .isCloseTo(1_000 * SECONDS / (1024 * 1024) * perGb, within(TOLERANCE));
    }

    @Test
    void theKpusDominateAtALowLoadWithTheirLeverNamingWhatTheRateNeeds() {
        // Flink $250.90 against DynamoDB writes $246.38, Kinesis $93.40, API Gateway $91.98.
        CostModel.DesignCost ours = at(100).ours;
        assertThat(ours.dominant().service).isEqualTo(CostModel.FLINK);
        assertThat(ours.dominant().lever).contains("fewer KPUs").contains("needs 1").contains("deploys 2");
    }

    @Test
    void dynamoDbWritesDominateAtAHighLoadWithProvisionedCapacityAsTheLever() {
        // On-demand: 26,280 x 1.5 x $0.625 = $24,637.50; provisioned: ceil(10,000 x 1.5 / 0.5) = 30,000 WCU x 730 h
        // x $0.00065 = $14,235.00.
        CostModel.DesignCost ours = at(10_000).ours;
        assertThat(ours.dominant().service).isEqualTo(CostModel.DYNAMODB_WRITES);
        assertThat(ours.dominant().usdPerMonth).isCloseTo(26_280 * 1.5 * 0.625, within(TOLERANCE));
        assertThat(ours.dominant().lever).contains("provisioned capacity").contains("30,000 WCU").contains("$14,235.00");
        assertThat(at(10_000).article.dominant().service).isEqualTo(CostModel.DYNAMODB_WRITES);
    }

    @Test
    void aMissingFigureIsRefusedByName() {
        Map<String, Double> figures = figures();
        figures.remove("wcuPerEvent");
        assertThatThrownBy(() -> new CostModel.Figures(figures))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wcuPerEvent").hasMessageContaining("missing");
    }

    @Test
    void aZeroFigureIsRefusedByNameAndLimit() {
        Map<String, Double> figures = figures();
        figures.put("jobEventsPerSecondPerCore", 0.0);
        assertThatThrownBy(() -> new CostModel.Figures(figures))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobEventsPerSecondPerCore").hasMessageContaining("above 0");
    }

    @Test
    void aFigureThatIsNotANumberIsRefusedByName() {
        Map<String, Double> figures = figures();
        figures.put("ingestMillisPerRequest", Double.NaN);
        assertThatThrownBy(() -> new CostModel.Figures(figures))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ingestMillisPerRequest");
    }

    @Test
    void aPriceTableWithoutAPriceIsRefusedByName() {
        Map<String, Double> prices = priceMap();
        prices.remove("flinkPerKpuHour");
        assertThatThrownBy(() -> new PriceTable("test", "2026-12-03", prices))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flinkPerKpuHour");
    }

    @Test
    void theUsEast1TableHoldsEveryPriceTheModelReadsAndItsDate() {
        PriceTable table = PriceTable.usEast1();
        assertThat(table.region).isEqualTo("us-east-1");
        assertThat(table.lookedUp).matches("\\d{4}-\\d{2}-\\d{2}");
        for (String name : PriceTable.NAMES) {
            assertThat(table.usd(name)).as(name).isPositive();
        }
    }

    @Test
    void thePrintedTableNamesEachLoadTheTotalsAndTheDominantLine() {
        String text = CostModel.table(model(figures()).standardLoads(), new PriceTable("test", "2026-12-03", priceMap()));
        assertThat(text).contains("100 events/s").contains("1,000 events/s").contains("10,000 events/s")
                .contains("**total**").contains("ours: " + CostModel.FLINK + " dominates")
                .contains(CostModel.KINESIS_PROVISIONED + " (not in total)");
    }
}
