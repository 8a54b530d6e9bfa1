package io.eventbackbone.ingest;

import io.eventbackbone.http.ProblemResponse;

/** A request the ingest refuses; carries the problem to answer with. Never escapes the handler. */
final class ProblemException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ProblemResponse problem;

    ProblemException(ProblemResponse problem) {
        super(problem.type().slug() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    ProblemResponse problem() {
        return problem;
    }
}
