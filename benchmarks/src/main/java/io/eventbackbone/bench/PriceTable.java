package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * List prices in US dollars by name, with the date they were looked up and where. The prices the cost model
 * uses live in one file, {@code prices-us-east-1.json} next to this class, so that updating them is an edit of
 * that file alone.
 */
final class PriceTable {
    static final String US_EAST_1 = "prices-us-east-1.json";

    /** Every price the cost model reads; a table without one of them is refused when it is made. */
    static final String API_GATEWAY_REST_PER_MILLION_REQUESTS = "apiGatewayRestPerMillionRequests";
    static final String LAMBDA_ARM_PER_GB_SECOND = "lambdaArmPerGbSecond";
    static final String LAMBDA_PER_MILLION_REQUESTS = "lambdaPerMillionRequests";
    static final String KINESIS_ON_DEMAND_PER_STREAM_HOUR = "kinesisOnDemandPerStreamHour";
    static final String KINESIS_ON_DEMAND_PER_GB_IN = "kinesisOnDemandPerGbIn";
    static final String KINESIS_ON_DEMAND_PER_GB_OUT = "kinesisOnDemandPerGbOut";
    static final String KINESIS_ON_DEMAND_RETENTION_PER_GB_MONTH = "kinesisOnDemandRetentionPerGbMonth";
    static final String KINESIS_PROVISIONED_PER_SHARD_HOUR = "kinesisProvisionedPerShardHour";
    static final String KINESIS_PROVISIONED_PER_MILLION_PUT_PAYLOAD_UNITS = "kinesisProvisionedPerMillionPutPayloadUnits";
    static final String KINESIS_PROVISIONED_RETENTION_PER_SHARD_HOUR = "kinesisProvisionedRetentionPerShardHour";
    static final String FLINK_PER_KPU_HOUR = "flinkPerKpuHour";
    static final String FLINK_RUNNING_STORAGE_PER_GB_MONTH = "flinkRunningStoragePerGbMonth";
    static final String DYNAMODB_ON_DEMAND_PER_MILLION_WRITE_UNITS = "dynamoDbOnDemandPerMillionWriteUnits";
    static final String DYNAMODB_PROVISIONED_PER_WCU_HOUR = "dynamoDbProvisionedPerWcuHour";
    static final String DYNAMODB_STORAGE_PER_GB_MONTH = "dynamoDbStoragePerGbMonth";
    static final String DYNAMODB_PITR_PER_GB_MONTH = "dynamoDbPitrPerGbMonth";

    static final String[] NAMES = {API_GATEWAY_REST_PER_MILLION_REQUESTS, LAMBDA_ARM_PER_GB_SECOND,
            LAMBDA_PER_MILLION_REQUESTS, KINESIS_ON_DEMAND_PER_STREAM_HOUR, KINESIS_ON_DEMAND_PER_GB_IN,
            KINESIS_ON_DEMAND_PER_GB_OUT, KINESIS_ON_DEMAND_RETENTION_PER_GB_MONTH, KINESIS_PROVISIONED_PER_SHARD_HOUR,
            KINESIS_PROVISIONED_PER_MILLION_PUT_PAYLOAD_UNITS, KINESIS_PROVISIONED_RETENTION_PER_SHARD_HOUR,
            FLINK_PER_KPU_HOUR, FLINK_RUNNING_STORAGE_PER_GB_MONTH, DYNAMODB_ON_DEMAND_PER_MILLION_WRITE_UNITS,
            DYNAMODB_PROVISIONED_PER_WCU_HOUR, DYNAMODB_STORAGE_PER_GB_MONTH, DYNAMODB_PITR_PER_GB_MONTH};

    final String region;
    final String lookedUp;
    private final Map<String, Double> usd;

    PriceTable(String region, String lookedUp, Map<String, Double> usd) {
        this.region = region;
        this.lookedUp = lookedUp;
        for (String name : NAMES) {
            Double price = usd.get(name);
            if (price == null) {
                throw new IllegalArgumentException("price table " + region + " has no price " + name);
            }
            if (!(price >= 0) || Double.isInfinite(price)) {
                throw new IllegalArgumentException("price " + name + " must be a finite number >= 0, was " + price);
            }
        }
        this.usd = Collections.unmodifiableMap(new LinkedHashMap<>(usd));
    }

    /** The prices of {@link #US_EAST_1}, the region the template is priced in. */
    static PriceTable usEast1() {
        return read(US_EAST_1);
    }

    static PriceTable read(String resource) {
        try (InputStream in = PriceTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no price table " + resource + " next to " + PriceTable.class.getName());
            }
            JsonNode root = Results.JSON.readTree(in);
            Map<String, Double> usd = new LinkedHashMap<>();
            root.path("prices").fields().forEachRemaining(e -> usd.put(e.getKey(), e.getValue().path("usd").asDouble(Double.NaN)));
            return new PriceTable(root.path("region").asText(), root.path("lookedUp").asText(), usd);
        } catch (IOException e) {
            throw new UncheckedIOException("price table " + resource + " cannot be read", e);
        }
    }

    double usd(String name) {
        Double price = usd.get(name);
        if (price == null) {
            throw new IllegalArgumentException("price table " + region + " has no price " + name);
        }
        return price;
    }
}
