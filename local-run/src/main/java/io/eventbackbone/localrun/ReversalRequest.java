package io.eventbackbone.localrun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of {@code ./run-local.sh reverse|revert <aggregateId> <version> --reason <text> [--actor <who>]
 * [--dry-run]} as the request to the local API. The API checks the values; this checks only their shape.
 */
final class ReversalRequest {
    static final String REVERSALS = "reversals";
    static final String REVERSIONS = "reversions";

    private final String aggregateId;
    private final String route;
    private final ObjectNode body;
    private final boolean dryRun;

    private ReversalRequest(String aggregateId, String route, ObjectNode body, boolean dryRun) {
        this.aggregateId = aggregateId;
        this.route = route;
        this.body = body;
        this.dryRun = dryRun;
    }

    /** {@code args[0]} is the command; the actor defaults to {@code defaultActor} (the user's login). */
    static ReversalRequest parse(String[] args, String route, String defaultActor) {
        String command = args[0];
        if (args.length < 3 || args[1].startsWith("--") || args[2].startsWith("--")) {
            throw new IllegalArgumentException(command + " takes an aggregate id and a version, then --reason <text>\n"
                    + LocalCommands.USAGE);
        }
        long version;
        try {
            version = Long.parseLong(args[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": the version must be a whole number, not '" + args[2] + "'");
        }
        String reason = null;
        String actor = defaultActor;
        boolean dryRun = false;
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--reason":
                    reason = value(args, ++i, command);
                    break;
                case "--actor":
                    actor = value(args, ++i, command);
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                default:
                    throw new IllegalArgumentException(command + ": unknown option '" + args[i] + "'\n" + LocalCommands.USAGE);
            }
        }
        if (reason == null) {
            throw new IllegalArgumentException(command + " needs --reason <text>: it is kept with the event, for the"
                    + " audit trail");
        }
        ObjectNode body = EventJson.newObject();
        body.put(REVERSIONS.equals(route) ? "toVersion" : "version", version);
        body.put("reason", reason);
        if (actor != null && !actor.isEmpty()) {
            body.put("actor", actor);
        }
        return new ReversalRequest(args[1], route, body, dryRun);
    }

    private static String value(String[] args, int i, String command) {
        if (i >= args.length) {
            throw new IllegalArgumentException(command + ": " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    URI uri(int port) {
        return URI.create("http://localhost:" + port + "/aggregates/"
                + URLEncoder.encode(aggregateId, StandardCharsets.UTF_8) + "/" + route + (dryRun ? "?dryRun=true" : ""));
    }

    String body() {
        return EventJson.write(body);
    }
}
