package org.resnet4j.serving;

/**
 * A submission the batcher did not take: its queue is full, or it has been closed. Immutable; safe to share between
 * threads.
 */
public final class RejectedException extends RuntimeException {
    /** Why the batcher refused. Immutable; safe to share between threads. */
    public enum Reason {
        QUEUE_FULL,
        CLOSED
    }

    private final Reason reason;

    RejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
