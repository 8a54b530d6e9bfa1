package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventbackbone.local.HttpMessage;
import io.eventbackbone.local.LoopbackHttpProxy;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.TimeIndex;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A loopback HTTP proxy in front of an AWS emulator that counts what passes: requests per operation (from
 * the {@code X-Amz-Target} header), and for DynamoDB, per table, the items written and their write capacity
 * units (from each item's size, by {@link ItemSize}), and for a time index table the events its chunks list;
 * for reads, per table, the items that Query and BatchGetItem answers hold, and per operation and table the
 * Query and GetItem requests, how many found nothing, and the read capacity units their answers report
 * ({@code ConsumedCapacity.CapacityUnits}, when the request asked for them). The job's own clients cannot be
 * instrumented from outside, so the job is pointed at this endpoint instead.
 *
 * <p>dynalite reports 0 units for a Query that finds nothing, where DynamoDB charges the minimum of a read
 * (1 unit strongly consistent, 0.5 eventually consistent) even when nothing matches. {@link #readUnits} applies
 * that minimum to every Query and GetItem answer; {@link #reportedReadUnits} is what the emulator said.
 *
 * <p>It relays through a {@link LoopbackHttpProxy}, which keeps Nagle's algorithm out of the response times
 * it measures.
 */
final class CountingAwsProxy implements AutoCloseable {

    private final LoopbackHttpProxy proxy;
    private final ObjectMapper json = new ObjectMapper();
    /** Tables whose items are time index chunks. */
    private final Set<String> timeIndexTables = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> requestsByOperation = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> itemsByTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> unitsByTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> indexEntriesByTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requestsByTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> readRequestsByTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> itemsReadByTable = new ConcurrentHashMap<>();
    /** Item bytes written, per table, by {@link ItemSize#of}. */
    private final Map<String, LongAdder> bytesByTable = new ConcurrentHashMap<>();
    /** Query and GetItem answers per {@link #readKey}; of those, the ones with no item. */
    private final Map<String, LongAdder> readsByOperationTable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> emptyReadsByOperationTable = new ConcurrentHashMap<>();
    /** Read units per {@link #readKey}: as the emulator reported them, with DynamoDB's minimum, and of empty answers. */
    private final Map<String, DoubleAdder> reportedUnitsByOperationTable = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> unitsByOperationTable = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> emptyUnitsByOperationTable = new ConcurrentHashMap<>();
    private final LongAdder conditionalFailures = new LongAdder();
    /** Operation -> the emulator's response times (request relayed to response read), in microseconds. */
    private final Map<String, java.util.Queue<Long>> responseMicrosByOperation = new ConcurrentHashMap<>();
    /** Table -> who is told of each PutItem into it that the emulator answered. */
    private final Map<String, PutItemListener> putItemListeners = new ConcurrentHashMap<>();

    /** Told of a PutItem the emulator answered without error, or refused on its condition. */
    @FunctionalInterface
    interface PutItemListener {
        /** @param receivedNanos when the proxy had the request, {@code answeredNanos} its answer ({@code System.nanoTime}) */
        void answered(JsonNode item, long receivedNanos, long answeredNanos);
    }

    private CountingAwsProxy(URI target) throws IOException {
        this.proxy = LoopbackHttpProxy.start(target, "dynamo-proxy", this::exchange);
    }

    static CountingAwsProxy start(URI emulator) throws IOException {
        return new CountingAwsProxy(emulator);
    }

    URI endpoint() {
        return proxy.endpoint();
    }

    /** Tells {@code listener} of each PutItem into {@code table} that the emulator answered (see {@link PutItemListener}). */
    void onPutItem(String table, PutItemListener listener) {
        putItemListeners.put(table, listener);
    }

    /** Items written to {@code table} are time index chunks: the events they list are counted too. */
    void timeIndex(String table) {
        timeIndexTables.add(table);
    }

    void reset() {
        requestsByOperation.clear();
        itemsByTable.clear();
        unitsByTable.clear();
        indexEntriesByTable.clear();
        requestsByTable.clear();
        readRequestsByTable.clear();
        itemsReadByTable.clear();
        bytesByTable.clear();
        readsByOperationTable.clear();
        emptyReadsByOperationTable.clear();
        reportedUnitsByOperationTable.clear();
        unitsByOperationTable.clear();
        emptyUnitsByOperationTable.clear();
        conditionalFailures.reset();
        responseMicrosByOperation.clear();
    }

    /** The emulator's response time for an operation at the given quantile, in ms; NaN when not called. */
    double responseMillis(String operation, double quantile) {
        java.util.Queue<Long> times = responseMicrosByOperation.get(operation);
        if (times == null || times.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1000.0;
    }

    /** Every response time of an operation since the last reset, in microseconds, sorted. */
    long[] responseMicros(String operation) {
        java.util.Queue<Long> times = responseMicrosByOperation.get(operation);
        return times == null ? new long[0] : times.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    long requests(String operation) {
        return sum(requestsByOperation, operation);
    }

    long writeRequests() {
        return requests("BatchWriteItem") + requests("PutItem") + requests("UpdateItem") + requests("DeleteItem");
    }

    long writeRequests(String table) {
        return sum(requestsByTable, table);
    }

    long items(String table) {
        return sum(itemsByTable, table);
    }

    /** Write capacity units in the table itself. */
    long units(String table) {
        return sum(unitsByTable, table);
    }

    /** Events listed by the time index chunks written to the table. */
    long indexEntries(String table) {
        return sum(indexEntriesByTable, table);
    }

    /** Query and BatchGetItem requests that read the table (a BatchGetItem counts for each table it reads). */
    long readRequests(String table) {
        return sum(readRequestsByTable, table);
    }

    /** Items read from the table: a Query's scanned items, a BatchGetItem's items returned. */
    long itemsRead(String table) {
        return sum(itemsReadByTable, table);
    }

    /** Bytes of the items written to the table ({@link ItemSize#of}, the size DynamoDB bills). */
    long bytesWritten(String table) {
        return sum(bytesByTable, table);
    }

    /** Query or GetItem requests answered for the table. */
    long reads(String operation, String table) {
        return sum(readsByOperationTable, readKey(operation, table));
    }

    /** Of {@link #reads}, the answers with no item: a Query that matched nothing, a GetItem of a missing key. */
    long emptyReads(String operation, String table) {
        return sum(emptyReadsByOperationTable, readKey(operation, table));
    }

    /** Read capacity units of those answers, with DynamoDB's minimum per read applied (see the class comment). */
    double readUnits(String operation, String table) {
        return total(unitsByOperationTable, readKey(operation, table));
    }

    /** Of {@link #readUnits}, the units of the answers with no item. */
    double emptyReadUnits(String operation, String table) {
        return total(emptyUnitsByOperationTable, readKey(operation, table));
    }

    /** Read capacity units as the emulator reported them. */
    double reportedReadUnits(String operation, String table) {
        return total(reportedUnitsByOperationTable, readKey(operation, table));
    }

    long conditionalFailures() {
        return conditionalFailures.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        requestsByOperation.forEach((k, v) -> out.put("requests." + k, v.sum()));
        requestsByTable.forEach((k, v) -> out.put("writeRequests." + k, v.sum()));
        itemsByTable.forEach((k, v) -> out.put("items." + k, v.sum()));
        unitsByTable.forEach((k, v) -> out.put("wcu." + k, v.sum()));
        indexEntriesByTable.forEach((k, v) -> out.put("timeIndexEntries." + k, v.sum()));
        readRequestsByTable.forEach((k, v) -> out.put("readRequests." + k, v.sum()));
        itemsReadByTable.forEach((k, v) -> out.put("itemsRead." + k, v.sum()));
        bytesByTable.forEach((k, v) -> out.put("bytesWritten." + k, v.sum()));
        readsByOperationTable.forEach((k, v) -> out.put("reads." + k, v.sum()));
        emptyReadsByOperationTable.forEach((k, v) -> out.put("emptyReads." + k, v.sum()));
        out.put("conditionalCheckFailures", conditionalFailures.sum());
        return out;
    }

    /** Read capacity units per operation and table: with DynamoDB's minimum, as reported, and of empty answers. */
    Map<String, Double> readUnitsSnapshot() {
        Map<String, Double> out = new TreeMap<>();
        unitsByOperationTable.forEach((k, v) -> out.put("rcu." + k, v.sum()));
        reportedUnitsByOperationTable.forEach((k, v) -> out.put("rcuReportedByEmulator." + k, v.sum()));
        emptyUnitsByOperationTable.forEach((k, v) -> out.put("rcuOfEmptyAnswers." + k, v.sum()));
        return out;
    }

    private HttpMessage exchange(HttpMessage request, LoopbackHttpProxy.Upstream emulator) throws IOException {
        long received = System.nanoTime();
        String operation = count(request);
        long sent = System.nanoTime();
        HttpMessage response = emulator.send(request);
        if (response == null) {
            return null;
        }
        long answered = System.nanoTime();
        responseMicrosByOperation.computeIfAbsent(operation, k -> new java.util.concurrent.ConcurrentLinkedQueue<>())
                .add((answered - sent) / 1000);
        boolean refusedOnCondition = response.startLine().contains(" 400 ")
                && contains(response.body(), "ConditionalCheckFailed");
        boolean ok = response.startLine().contains(" 200 ");
        if (refusedOnCondition) {
            conditionalFailures.increment();
        } else if (ok) {
            countRead(operation, request.body(), response.body());
            if (operation.equals("GetRecords") && noRecords(response.body())) {
                count(requestsByOperation, "GetRecordsAnsweredEmpty", 1);
            }
        }
        if ((ok || refusedOnCondition) && operation.equals("PutItem") && !putItemListeners.isEmpty()) {
            tellPutItem(request.body(), received, answered);
        }
        return response;
    }

    private void tellPutItem(byte[] body, long receivedNanos, long answeredNanos) {
        try {
            JsonNode request = json.readTree(body);
            PutItemListener listener = putItemListeners.get(request.path("TableName").asText());
            if (listener != null) {
                listener.answered(request.path("Item"), receivedNanos, answeredNanos);
            }
        } catch (IOException | RuntimeException e) {
            count(requestsByOperation, "unreadable", 1);
        }
    }

    private String count(HttpMessage request) {
        String amzTarget = request.header("x-amz-target");
        // "DynamoDB_20120810.PutItem", "Kinesis_20131202.GetRecords": the operation follows the dot.
        String operation = amzTarget == null ? "none" : amzTarget.substring(amzTarget.indexOf('.') + 1);
        count(requestsByOperation, operation, 1);
        try {
            account(operation, request.body());
        } catch (IOException | RuntimeException e) {
            // Counting must never change what the emulator sees; an unreadable body is simply not itemised.
            count(requestsByOperation, "unreadable", 1);
        }
        return operation;
    }

    private void account(String operation, byte[] body) throws IOException {
        if (operation.equals("BatchWriteItem")) {
            JsonNode tables = json.readTree(body).path("RequestItems");
            for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> table = it.next();
                count(requestsByTable, table.getKey(), 1);
                for (JsonNode write : table.getValue()) {
                    JsonNode item = write.path("PutRequest").path("Item");
                    if (item.isObject()) {
                        written(table.getKey(), item);
                    }
                }
            }
        } else if (operation.equals("PutItem")) {
            JsonNode request = json.readTree(body);
            String table = request.path("TableName").asText();
            count(requestsByTable, table, 1);
            written(table, request.path("Item"));
        }
    }

    private void written(String table, JsonNode itemJson) {
        Map<String, AttributeValue> item = item(itemJson);
        count(itemsByTable, table, 1);
        count(unitsByTable, table, ItemSize.writeUnits(item));
        count(bytesByTable, table, ItemSize.of(item));
        if (timeIndexTables.contains(table)) {
            long[] entries = new long[1];
            TimeIndex.readChunk(item, (id, type, version, recordedAt) -> entries[0]++);
            count(indexEntriesByTable, table, entries[0]);
        }
    }

    /** Items in a successful read's answer, per table; for Query and GetItem, the read units it reports. */
    private void countRead(String operation, byte[] request, byte[] response) {
        try {
            if (operation.equals("Query")) {
                JsonNode asked = json.readTree(request);
                String table = asked.path("TableName").asText();
                JsonNode answer = json.readTree(response);
                long scanned = answer.path("ScannedCount").asLong(answer.path("Count").asLong());
                count(readRequestsByTable, table, 1);
                count(itemsReadByTable, table, scanned);
                countUnits(operation, asked, answer, scanned == 0);
            } else if (operation.equals("GetItem")) {
                JsonNode asked = json.readTree(request);
                JsonNode answer = json.readTree(response);
                countUnits(operation, asked, answer, answer.path("Item").size() == 0);
            } else if (operation.equals("BatchGetItem")) {
                for (Iterator<String> it = json.readTree(request).path("RequestItems").fieldNames(); it.hasNext(); ) {
                    count(readRequestsByTable, it.next(), 1);
                }
                JsonNode tables = json.readTree(response).path("Responses");
                for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> table = it.next();
                    count(itemsReadByTable, table.getKey(), table.getValue().size());
                }
            }
        } catch (IOException | RuntimeException e) {
            count(requestsByOperation, "unreadable", 1);
        }
    }

    private void countUnits(String operation, JsonNode request, JsonNode answer, boolean empty) {
        String key = readKey(operation, request.path("TableName").asText());
        count(readsByOperationTable, key, 1);
        if (empty) {
            count(emptyReadsByOperationTable, key, 1);
        }
        JsonNode capacity = answer.path("ConsumedCapacity").path("CapacityUnits");
        if (capacity.isNumber()) {
            double reported = capacity.asDouble();
            // DynamoDB rounds every read up to a whole 4 KB (half of it eventually consistent), even an empty one.
            double billed = Math.max(reported, request.path("ConsistentRead").asBoolean(false) ? 1.0 : 0.5);
            add(reportedUnitsByOperationTable, key, reported);
            add(unitsByOperationTable, key, billed);
            if (empty) {
                add(emptyUnitsByOperationTable, key, billed);
            }
        }
    }

    private static String readKey(String operation, String table) {
        return operation + "." + table;
    }

    /** DynamoDB JSON to the SDK's attribute values, so the product's own size rules apply. */
    static Map<String, AttributeValue> item(JsonNode json) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        json.fields().forEachRemaining(f -> item.put(f.getKey(), attribute(f.getValue())));
        return item;
    }

    private static AttributeValue attribute(JsonNode v) {
        if (v.has("S")) {
            return AttributeValue.fromS(v.get("S").asText());
        }
        if (v.has("N")) {
            return AttributeValue.fromN(v.get("N").asText());
        }
        if (v.has("B")) {
            return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.get("B").asText())));
        }
        if (v.has("BOOL")) {
            return AttributeValue.fromBool(v.get("BOOL").asBoolean());
        }
        if (v.has("NULL")) {
            return AttributeValue.fromNul(true);
        }
        if (v.has("M")) {
            return AttributeValue.fromM(item(v.get("M")));
        }
        if (v.has("L")) {
            List<AttributeValue> list = new ArrayList<>();
            v.get("L").forEach(e -> list.add(attribute(e)));
            return AttributeValue.fromL(list);
        }
        if (v.has("SS")) {
            List<String> set = new ArrayList<>();
            v.get("SS").forEach(e -> set.add(e.asText()));
            return AttributeValue.fromSs(set);
        }
        throw new IllegalArgumentException("attribute type not counted: " + v.fieldNames().next());
    }

    private static final byte[] RECORDS = "Records".getBytes(StandardCharsets.US_ASCII);

    /**
     * True when a GetRecords answer holds no record: {@code "Records":[]} in JSON, or the key followed by an empty
     * array (0x80) in CBOR, which the SDK's Kinesis clients speak by default.
     */
    static boolean noRecords(byte[] body) {
        outer:
        for (int i = 0; i + RECORDS.length < body.length; i++) {
            for (int j = 0; j < RECORDS.length; j++) {
                if (body[i + j] != RECORDS[j]) {
                    continue outer;
                }
            }
            int next = i + RECORDS.length;
            if ((body[next] & 0xff) == 0x80) {
                return true;
            }
            String rest = new String(body, next, Math.min(8, body.length - next), StandardCharsets.US_ASCII);
            return rest.replace(" ", "").startsWith("\":[]");
        }
        return false;
    }

    private static boolean contains(byte[] body, String text) {
        return new String(body, StandardCharsets.UTF_8).contains(text);
    }

    private static void count(Map<String, LongAdder> map, String key, long n) {
        map.computeIfAbsent(key, k -> new LongAdder()).add(n);
    }

    private static long sum(Map<String, LongAdder> map, String key) {
        LongAdder a = map.get(key);
        return a == null ? 0 : a.sum();
    }

    private static void add(Map<String, DoubleAdder> map, String key, double n) {
        map.computeIfAbsent(key, k -> new DoubleAdder()).add(n);
    }

    private static double total(Map<String, DoubleAdder> map, String key) {
        DoubleAdder a = map.get(key);
        return a == null ? 0 : a.sum();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
