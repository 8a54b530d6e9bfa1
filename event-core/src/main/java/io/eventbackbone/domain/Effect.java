package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A message domain logic sends to an external system because of an event ({@link DomainLogic#effects}): the
 * target's name and the JSON message. The job stores it with the event and hands it to the target's gateway
 * with an idempotency key ({@link OutboxEntry}); only the live job does, never a replay.
 */
public final class Effect {
    private final String target;
    private final ObjectNode message;

    public Effect(String target, ObjectNode message) {
        this.target = ExternalQuery.requireTarget(target);
        if (message == null) {
            throw new IllegalArgumentException("an effect for " + target + " needs a message");
        }
        this.message = message;
    }

    public String target() {
        return target;
    }

    public ObjectNode message() {
        return message;
    }
}
