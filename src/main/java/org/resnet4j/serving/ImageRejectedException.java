package org.resnet4j.serving;

/**
 * Request bytes that are not an image the network can take. The message is written for the sender: it names the
 * problem and never repeats the decoder's words, a file path or a class name (the cause keeps those, for logs).
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ImageRejectedException extends Exception {
    /** What is wrong, coarse enough for a client to act on. Immutable; safe to share between threads. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** Neither the PNG signature nor the JPEG start-of-image marker. */
        NOT_AN_IMAGE,
        /** A PNG or JPEG that ends early, fails a checksum, or does not decode. */
        CORRUPT,
        /**
         * A width or height of 0, more pixels than the predictor's limit, or so long and narrow an image that its
         * shorter side resized would make more; told from the header, before decoding.
         */
        WRONG_SIZE
    }

    private final Reason reason;

    ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
