package io.eventbackbone.effects;

/**
 * What one POST of an effect to its target got: the HTTP status and the start of the answer, or (status 0) the
 * error that kept an answer from coming. The gateway decides from it whether the effect is delivered, to be
 * tried again, or parked.
 */
public final class Attempt {

    /** What the gateway does next with the effect. */
    public enum Verdict {
        /** 2xx: the target took it. */
        DELIVERED,
        /** No answer, 408, 429 or 5xx: the target may take it later; try again with the same key. */
        RETRY,
        /** Any other answer (a 4xx, an unexpected 1xx or 3xx): the target refuses this effect; park it alone. */
        PARK
    }

    /** How much of an answer's body a parked effect's reason keeps. */
    public static final int BODY_EXCERPT_CHARS = 300;

    private final int status;
    private final String detail;
    /** False when the effect cannot even be put into a request: no retry will change that. */
    private final boolean sendable;

    private Attempt(int status, String detail, boolean sendable) {
        this.status = status;
        this.detail = detail == null ? "" : detail;
        this.sendable = sendable;
    }

    public static Attempt answered(int status, String body) {
        return new Attempt(status, excerpt(body), true);
    }

    /** No answer: the connection was refused or broke, or the attempt timed out. */
    public static Attempt noAnswer(String error) {
        return new Attempt(0, excerpt(error), true);
    }

    /** The effect cannot be sent at all (a header it needs is not valid HTTP): parked at once. */
    public static Attempt notSendable(String why) {
        return new Attempt(0, excerpt(why), false);
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
        return status;
    }

    public Verdict verdict() {
        if (!sendable) {
            return Verdict.PARK;
        }
        if (status == 0 || status == 408 || status == 429 || status >= 500) {
            return Verdict.RETRY;
        }
        return status >= 200 && status < 300 ? Verdict.DELIVERED : Verdict.PARK;
    }

    /** What a parked effect's reason says of this attempt. */
    public String describe() {
        if (!sendable) {
            return "not sendable: " + detail;
        }
        if (status == 0) {
            return "no answer: " + detail;
        }
        return "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= BODY_EXCERPT_CHARS ? oneLine : oneLine.substring(0, BODY_EXCERPT_CHARS) + "...";
    }

    @Override
    public String toString() {
        return describe();
    }
}
