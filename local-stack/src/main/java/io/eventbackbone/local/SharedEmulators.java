package io.eventbackbone.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving every test class in a JVM the same {@link LocalEmulators}, started the first
 * time a class using the extension runs, and injected into test and lifecycle methods that declare a
 * {@code LocalEmulators} parameter.
 *
 * <p>The instance lives in the root context's store; JUnit closes {@link AutoCloseable} store values when
 * the test run ends, and the emulators' shutdown hook covers a JVM that exits some other way. Tests share
 * the emulators' state, so each should use its own stream and table names.
 */
public final class SharedEmulators implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedEmulators.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        emulators(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalEmulators.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulators(context);
    }

    /** The shared instance, starting it if this is the first use in the run. */
    public static LocalEmulators emulators(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalEmulators.class, key -> LocalEmulators.start(), LocalEmulators.class);
    }
}
