package io.eventbackbone.event;

import java.util.List;
import java.util.stream.Collectors;

/** A submission that breaks the envelope contract; carries every violation found. */
public final class InvalidEnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<Violation> violations;

    public InvalidEnvelopeException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public InvalidEnvelopeException(Violation violation) {
        this(List.of(violation));
    }

    public List<Violation> violations() {
        return violations;
    }

    /** True when the body could not be read as JSON at all, as opposed to a field breaking a rule. */
    public boolean isMalformed() {
        return violations.stream().anyMatch(v -> Rule.MALFORMED_JSON.equals(v.rule()));
    }

    /** True when the only problem is the size of the body. */
    public boolean isTooLarge() {
        return violations.stream().anyMatch(v -> Rule.MAX_BYTES.equals(v.rule()) && "$".equals(v.field()));
    }
}
