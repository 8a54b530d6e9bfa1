package io.eventbackbone.ingest;

import java.util.function.Supplier;

/**
 * A value built on its first use and kept: the DynamoDB client a reversal reads with, which a container that
 * serves only {@code POST /events} never builds, so its cold start stays as it was.
 */
final class OnFirstUse<T> implements Supplier<T> {
    private final Supplier<T> build;
    private volatile T value;

    OnFirstUse(Supplier<T> build) {
        this.build = build;
    }

    @Override
    public T get() {
        T built = value;
        if (built == null) {
            synchronized (this) {
                built = value;
                if (built == null) {
                    built = build.get();
                    value = built;
                }
            }
        }
        return built;
    }
}
