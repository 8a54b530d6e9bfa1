package io.eventbackbone.http;

/**
 * Keeps library internals out of what clients read. The envelope codec appends the JSON parser's own
 * message to its sentence, and some of those name Java classes and methods in backticks
 * ({@code StreamReadConstraints.getMaxNestingDepth()}); such a tail is dropped, the codec's sentence kept.
 */
public final class PublicText {

    private static final String CODEC_SEPARATOR = ": ";

    private PublicText() {
    }

    public static String of(String message) {
        if (message == null) {
            return "";
        }
        if (message.indexOf('`') < 0) {
            return message;
        }
        int cut = message.indexOf(CODEC_SEPARATOR);
        String kept = cut > 0 ? message.substring(0, cut) : message.substring(0, message.indexOf('`'));
        return kept.replace("`", "").trim();
    }
}
