package org.resnet4j.io;

import java.io.IOException;

/**
 * A safetensors file, or a tensor in it, breaks a rule of the format or is not what the caller asked for. The
 * message is one line naming the file, the rule and the offending value or offset, fit to show a user as is.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class SafeTensorsException extends IOException {

    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
