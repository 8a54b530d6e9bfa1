package io.eventbackbone.read;

import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;

/**
 * A request the read API answers with a problem; carries the problem. Never escapes the API's own answers; a
 * caller of {@link HistoryReader} answers it as it is.
 */
public final class ReadProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ProblemResponse problem;

    ReadProblem(ProblemResponse problem) {
        super(problem.type().slug() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public ProblemResponse problem() {
        return problem;
    }

    /** A parameter that is missing, malformed or out of range: 400 naming it, its rule and its limit. */
    static ReadProblem invalid(String parameter, String rule, String message) {
        return new ReadProblem(ProblemResponse.of(ProblemType.INVALID_PARAMETER, message)
                .error(null, parameter, rule, message));
    }

    /** Nothing at this path for this parameter's value: 404 naming it. */
    static ReadProblem notFound(String parameter, String rule, String message) {
        return new ReadProblem(ProblemResponse.of(ProblemType.NOT_FOUND, message).error(null, parameter, rule, message));
    }

    /** The tables show a gap that a write still settling explains; retry shortly. */
    static ReadProblem unsettled(String message) {
        return new ReadProblem(ProblemResponse.of(ProblemType.STORE_UNAVAILABLE, message));
    }
}
