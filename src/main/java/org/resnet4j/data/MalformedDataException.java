package org.resnet4j.data;

import java.io.IOException;

/**
 * A data file breaks its format: a CIFAR-10 batch (size, label), its class-name list, or the tar archive they come
 * in. The message is one line naming the file, the byte offset and the offending value, fit to show a user as is.
 *
 * <p>The readers of this package throw it for every kind of bad content, and plain {@link IOException}s only for the
 * file system's own failures (a missing or unreadable file), so a caller can tell "fetch the data again" from "fix the
 * machine".
 *
 * <p>Immutable; safe to share between threads.
 */
public final class MalformedDataException extends IOException {

    public MalformedDataException(String message) {
        super(message);
    }

    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
