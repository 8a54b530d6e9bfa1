package io.eventbackbone.effects;

import io.eventbackbone.domain.OutboxEntry;
import java.net.URI;

/** Sends one effect to its target's URL once, and tells what came back. */
@FunctionalInterface
public interface EffectSender {
    Attempt send(URI url, OutboxEntry effect) throws InterruptedException;
}
