package io.eventbackbone.store;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A submission the job refused (architecture, contract 4). {@code rejectionId} is derived from the record's
 * position in the stream, so re-processing after a restore writes the same item again rather than a new one.
 */
public class Rejection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The payload kept in a rejection, at most; the full size is recorded beside it. */
    public static final int MAX_KEPT_PAYLOAD_BYTES = 64 * 1024;

    private String rejectionId;
    private String reason;
    private String detail;
    private String aggregateId;
    private String eventId;
    private byte[] payload;
    private int payloadBytes;
    private long rejectedAt;
    private String source;

    public Rejection() {
    }

    public static Rejection of(String rejectionId, RejectionReason reason, String detail, String aggregateId,
                               String eventId, byte[] originalPayload, long rejectedAt, String source) {
        Rejection r = new Rejection();
        r.rejectionId = rejectionId;
        r.reason = reason.name();
        r.detail = detail.length() > 4096 ? detail.substring(0, 4096) : detail;
        r.aggregateId = aggregateId;
        r.eventId = eventId;
        r.payloadBytes = originalPayload.length;
        r.payload = originalPayload.length <= MAX_KEPT_PAYLOAD_BYTES
                ? originalPayload : Arrays.copyOf(originalPayload, MAX_KEPT_PAYLOAD_BYTES);
        r.rejectedAt = rejectedAt;
        r.source = source;
        return r;
    }

    /**
     * Like {@link #of}, for a record that is refused whole and cannot be told apart into events (a corrupt KPL
     * aggregated record), without aggregate or event id: keeps as much of the payload as a rejections item
     * holds, beyond {@link #MAX_KEPT_PAYLOAD_BYTES}, since the bytes are all there is to inspect.
     */
    public static Rejection ofWholeRecord(String rejectionId, RejectionReason reason, String detail,
                                          byte[] originalPayload, long rejectedAt, String source) {
        Rejection r = of(rejectionId, reason, detail, null, null, new byte[0], rejectedAt, source);
        r.payloadBytes = originalPayload.length;
        int room = RejectionsTable.payloadRoom(r);
        r.payload = originalPayload.length <= room ? originalPayload : Arrays.copyOf(originalPayload, room);
        return r;
    }

    public String getRejectionId() {
        return rejectionId;
    }

    public void setRejectionId(String rejectionId) {
        this.rejectionId = rejectionId;
    }

    /** A {@link RejectionReason} name. */
    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }

    public String getAggregateId() {
        return aggregateId;
    }

    public void setAggregateId(String aggregateId) {
        this.aggregateId = aggregateId;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    /** The original record bytes, cut at {@link #MAX_KEPT_PAYLOAD_BYTES} (or, {@link #ofWholeRecord}, at the item's room). */
    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload;
    }

    public int getPayloadBytes() {
        return payloadBytes;
    }

    public void setPayloadBytes(int payloadBytes) {
        this.payloadBytes = payloadBytes;
    }

    /** The record's arrival time in the stream, epoch millis. */
    public long getRejectedAt() {
        return rejectedAt;
    }

    public void setRejectedAt(long rejectedAt) {
        this.rejectedAt = rejectedAt;
    }

    /** Where the record came from: stream, shard and sequence number. */
    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Rejection)) {
            return false;
        }
        Rejection r = (Rejection) o;
        return payloadBytes == r.payloadBytes && rejectedAt == r.rejectedAt
                && Objects.equals(rejectionId, r.rejectionId) && Objects.equals(reason, r.reason)
                && Objects.equals(detail, r.detail) && Objects.equals(aggregateId, r.aggregateId)
                && Objects.equals(eventId, r.eventId) && Arrays.equals(payload, r.payload)
                && Objects.equals(source, r.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rejectionId);
    }

    @Override
    public String toString() {
        return "Rejection{" + reason + " " + aggregateId + " " + detail + "}";
    }
}
