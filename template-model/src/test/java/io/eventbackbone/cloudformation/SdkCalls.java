package io.eventbackbone.cloudformation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Finds AWS SDK v2 operation calls in Java sources: {@code .operation(} where {@code operation} is one of
 * the service clients' operations (read from the client interfaces, so that list needs no upkeep), taken
 * as a call of the service whose SDK package the file imports. It errs towards finding too much: a
 * same-named method of another object is reported too, and is then answered in the mapping table.
 */
final class SdkCalls {

    /** Service (IAM prefix) to the operations its SDK clients offer. */
    static final Map<String, Set<String>> OPERATIONS = Map.of(
            "dynamodb", operations(DynamoDbClient.class, DynamoDbAsyncClient.class),
            "kinesis", operations(KinesisClient.class, KinesisAsyncClient.class));

    private static final Pattern CALL = Pattern.compile("\\.\\s*([a-z][A-Za-z0-9]*)\\s*\\(");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");
    private static final Pattern LINE_COMMENT = Pattern.compile("//[^\\n]*");

    /** One operation called in one file. */
    static final class Call {
        final String file;
        final String service;
        final String operation;

        Call(String file, String service, String operation) {
            this.file = file;
            this.service = service;
            this.operation = operation;
        }

        /** The key of the IAM mapping table: service.operation. */
        String key() {
            return service + "." + operation;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call && ((Call) o).file.equals(file) && ((Call) o).key().equals(key());
        }

        @Override
        public int hashCode() {
            return Objects.hash(file, key());
        }

        @Override
        public String toString() {
            return key() + " in " + file;
        }
    }

    private SdkCalls() {
    }

    /** The calls in every .java file under {@code sourceRoot}, files named relative to it. */
    static List<Call> scanTree(Path sourceRoot) {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            List<Call> calls = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                String name = sourceRoot.relativize(file).toString().replace('\\', '/');
                calls.addAll(scan(name, Files.readString(file)));
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Call> scan(String file, String source) {
        String code = LINE_COMMENT.matcher(STRING.matcher(BLOCK_COMMENT.matcher(source).replaceAll(" "))
                .replaceAll("\"\"")).replaceAll("");
        Set<String> imported = new TreeSet<>();
        for (String service : OPERATIONS.keySet()) {
            if (code.contains("software.amazon.awssdk.services." + service + ".")) {
                imported.add(service);
            }
        }
        List<Call> calls = new ArrayList<>();
        Matcher matcher = CALL.matcher(code);
        while (matcher.find()) {
            String operation = matcher.group(1);
            Set<String> services = new TreeSet<>();
            OPERATIONS.forEach((service, operations) -> {
                if (operations.contains(operation)) {
                    services.add(service);
                }
            });
            // A client reached without importing its package (var, a getter) still counts: when the file
            // imports none of the services offering this operation, it is taken as a call of each of them.
            Set<String> narrowed = new TreeSet<>(services);
            narrowed.retainAll(imported);
            for (String service : narrowed.isEmpty() ? services : narrowed) {
                Call call = new Call(file, service, operation);
                if (!calls.contains(call)) {
                    calls.add(call);
                }
            }
        }
        return calls;
    }

    /** Methods that take one {@code *Request}: the operations (and their paginators), not close() or waiter(). */
    private static Set<String> operations(Class<?>... clients) {
        Set<String> names = new TreeSet<>();
        for (Class<?> client : clients) {
            for (Method method : client.getMethods()) {
                if (method.getParameterCount() == 1 && method.getParameterTypes()[0].getSimpleName().endsWith("Request")) {
                    names.add(method.getName());
                }
            }
        }
        return names;
    }
}
