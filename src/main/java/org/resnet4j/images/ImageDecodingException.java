package org.resnet4j.images;

import java.io.IOException;

/**
 * An image file that cannot be decoded, or not prepared for a network (too long and narrow to resize): the message
 * names the file and the problem. Immutable; safe to share between threads.
 */
public final class ImageDecodingException extends IOException {
    public ImageDecodingException(String message) {
        super(message);
    }

    public ImageDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
