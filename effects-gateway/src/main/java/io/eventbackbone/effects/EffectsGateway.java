package io.eventbackbone.effects;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.retry.Backoff;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Delivers a batch of one shard's effects records in order, each at least once: POST to the target until it
 * takes the effect (2xx), retrying what may pass (no answer, 408, 429, 5xx) with backoff, parking what the target
 * refuses (any other answer) or what kept failing past the retry deadline (counted from the record's arrival in
 * the stream), and going on with the next. When the invocation's time runs short before an effect is delivered
 * or parked, the batch stops there: that record is the batch item failure, and Lambda sends it and everything
 * after it again, so an aggregate's effects are never delivered out of order.
 */
public final class EffectsGateway {

    /** Time kept back beyond an attempt's own timeout, for parking and answering Lambda. */
    static final long MARGIN_MILLIS = 1_000;
    static final Duration BACKOFF_BASE = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(20);

    private final GatewaySettings settings;
    private final EffectSender sender;
    private final ParkingLot.Parker parker;
    private final DeliveryLog log;
    private final Backoff backoff;
    private final LongSupplier clockMillis;

    public EffectsGateway(GatewaySettings settings, EffectSender sender, ParkingLot.Parker parker, DeliveryLog log,
                          Backoff backoff, LongSupplier clockMillis) {
        this.settings = settings;
        this.sender = sender;
        this.parker = parker;
        this.log = log;
        this.backoff = backoff;
        this.clockMillis = clockMillis;
    }

    /** The wall clock and the SDK's exponential backoff with half jitter. */
    public static EffectsGateway withWallClock(GatewaySettings settings, EffectSender sender, ParkingLot.Parker parker,
                                               DeliveryLog log) {
        return new EffectsGateway(settings, sender, parker, log,
                Backoff.exponentialHalfJitter(BACKOFF_BASE, BACKOFF_MAX), System::currentTimeMillis);
    }

    /**
     * Delivers or parks the records in order; returns the sequence number of the first record left undone
     * (the batch item failure), or empty when every record was delivered, parked or skipped.
     */
    public Optional<String> deliver(List<EffectRecord> records, LongSupplier remainingMillis) throws InterruptedException {
        for (EffectRecord record : records) {
            OutboxEntry effect;
            try {
                effect = OutboxEntry.fromRecord(record.data());
            } catch (IllegalArgumentException e) {
                log.unreadable(record.sequenceNumber(), e.getMessage());
                continue;
            }
            try {
                if (!deliverOne(effect, record.arrivalMillis(), remainingMillis)) {
                    return Optional.of(record.sequenceNumber());
                }
            } catch (RuntimeException e) {
                // Parking failed (the table cannot be written): tried again from here by the next invocation,
                // and past the event source mapping's retries the record goes to its on-failure destination.
                log.unparkable(effect, String.valueOf(e));
                return Optional.of(record.sequenceNumber());
            }
        }
        return Optional.empty();
    }

    /** True when the effect was delivered or parked; false when the invocation's time ran short first. */
    private boolean deliverOne(OutboxEntry effect, long arrivalMillis, LongSupplier remainingMillis)
            throws InterruptedException {
        Optional<URI> url;
        try {
            url = settings.targetUrl(effect.target());
        } catch (IllegalArgumentException | IllegalStateException e) {
            park(effect, "target " + effect.target() + ": " + e.getMessage(), 0, 0);
            return true;
        }
        if (url.isEmpty()) {
            park(effect, "no URL for target " + effect.target() + ": set " + GatewaySettings.urlVariable(effect.target()),
                    0, 0);
            return true;
        }
        int attempts = 0;
        Duration wait = Duration.ZERO;
        while (true) {
            if (remainingMillis.getAsLong() - wait.toMillis() < settings.attemptTimeoutMillis() + MARGIN_MILLIS) {
                return false;
            }
            backoff.sleep(wait);
            Attempt attempt = sender.send(url.get(), effect);
            attempts++;
            switch (attempt.verdict()) {
                case DELIVERED:
                    log.delivered(effect, attempt.status(), attempts);
                    return true;
                case PARK:
                    park(effect, "refused by " + effect.target() + ": " + attempt.describe(), attempt.status(), attempts);
                    return true;
                default:
                    if (clockMillis.getAsLong() - arrivalMillis >= settings.retryDeadlineMillis()) {
                        park(effect, "kept failing for " + Duration.ofMillis(settings.retryDeadlineMillis())
                                + " since it reached the effects stream; last: " + attempt.describe(),
                                attempt.status(), attempts);
                        return true;
                    }
                    wait = backoff.delayBefore(attempts + 1);
            }
        }
    }

    private void park(OutboxEntry effect, String reason, int status, int attempts) {
        parker.park(effect, reason, status, attempts);
        log.parked(effect, reason, attempts);
    }
}
