package io.eventbackbone.event;

import java.util.Objects;

/** One broken rule of the envelope: which field, which rule, and a sentence for humans. */
public final class Violation {
    private final String field;
    private final String rule;
    private final String message;

    public Violation(String field, String rule, String message) {
        this.field = Objects.requireNonNull(field);
        this.rule = Objects.requireNonNull(rule);
        this.message = Objects.requireNonNull(message);
    }

    /** The field name, or {@code "$"} for the whole body. */
    public String field() {
        return field;
    }

    /** A stable rule code, for example {@code required}, {@code maxLength}, {@code pattern}. */
    public String rule() {
        return rule;
    }

    public String message() {
        return message;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Violation)) {
            return false;
        }
        Violation v = (Violation) o;
        return field.equals(v.field) && rule.equals(v.rule) && message.equals(v.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, rule, message);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
