package io.eventbackbone.cloudformation;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbAsyncWaiter;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.waiters.KinesisAsyncWaiter;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;

/**
 * The AWS SDK v2 operations that compiled code calls, read from its class files with ArchUnit: every call and
 * method reference whose target is an operation of a DynamoDB or Kinesis client, or a wait of one of their
 * waiters (which polls an operation too). The client is recognised by its class name wherever the SDK is
 * relocated to, as the Kinesis connector shades it. A call belongs to the top-level class whose source holds
 * it, so calls in lambdas and nested classes count for the class they are written in.
 */
final class SdkOperationCalls {

    /** Service (IAM prefix) to the operations its SDK clients offer and the waits its waiters offer. */
    static final Map<String, Set<String>> OPERATIONS = Map.of(
            "dynamodb", operations(DynamoDbClient.class, DynamoDbAsyncClient.class,
                    DynamoDbWaiter.class, DynamoDbAsyncWaiter.class),
            "kinesis", operations(KinesisClient.class, KinesisAsyncClient.class,
                    KinesisWaiter.class, KinesisAsyncWaiter.class));

    /** A client or waiter of either service, its package possibly relocated under another. */
    private static final Pattern CLIENT = Pattern.compile(
            "(?:.+\\.)?software\\.amazon\\.awssdk\\.services\\.(dynamodb|kinesis)\\.(?:waiters\\.)?"
                    + "(?:DynamoDb|Kinesis)(?:Async)?(?:Client|Waiter)");

    /** Accesses (calls or method references) of an SDK operation. */
    static final DescribedPredicate<JavaAccess<?>> AN_SDK_OPERATION =
            DescribedPredicate.describe("an AWS SDK operation of DynamoDB or Kinesis", access -> call(access) != null);

    /** One operation called in one top-level class. */
    static final class Call {
        final String className;
        final String service;
        final String operation;

        Call(String className, String service, String operation) {
            this.className = className;
            this.service = service;
            this.operation = operation;
        }

        /** The key of the IAM mapping table: service.operation. */
        String key() {
            return service + "." + operation;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call && ((Call) o).className.equals(className) && ((Call) o).key().equals(key());
        }

        @Override
        public int hashCode() {
            return Objects.hash(className, key());
        }

        @Override
        public String toString() {
            return key() + " in " + className;
        }
    }

    private SdkOperationCalls() {
    }

    /** The main (not test) classes of these packages and their subpackages, as the test class path holds them. */
    static JavaClasses mainClasses(String... packages) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(packages);
    }

    /** Each operation called by these classes, once per top-level class, in class-name order. */
    static List<Call> in(JavaClasses classes) {
        Set<Call> calls = new LinkedHashSet<>();
        for (JavaClass javaClass : sorted(classes)) {
            for (JavaAccess<?> access : accessesFrom(javaClass)) {
                Call call = call(access);
                if (call != null) {
                    calls.add(call);
                }
            }
        }
        return new ArrayList<>(calls);
    }

    /** Calls and method references made by the class's own code, its lambdas included. */
    static List<JavaAccess<?>> accessesFrom(JavaClass javaClass) {
        List<JavaAccess<?>> accesses = new ArrayList<>(javaClass.getMethodCallsFromSelf());
        accesses.addAll(javaClass.getMethodReferencesFromSelf());
        return accesses;
    }

    /** The name of the top-level class whose source holds {@code javaClass}. */
    static String topLevelName(JavaClass javaClass) {
        String name = javaClass.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    private static Call call(JavaAccess<?> access) {
        Matcher client = CLIENT.matcher(access.getTargetOwner().getName());
        if (!client.matches()) {
            return null;
        }
        String service = client.group(1);
        String operation = access.getName();
        if (!OPERATIONS.get(service).contains(operation)) {
            return null; // close(), waiter(), serviceName(): no request is sent
        }
        return new Call(topLevelName(access.getOriginOwner()), service, operation);
    }

    private static List<JavaClass> sorted(JavaClasses classes) {
        List<JavaClass> list = new ArrayList<>();
        classes.forEach(list::add);
        list.sort((a, b) -> a.getName().compareTo(b.getName()));
        return list;
    }

    /** Methods that take one {@code *Request}: the operations, their paginators and waits, not close() or waiter(). */
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
