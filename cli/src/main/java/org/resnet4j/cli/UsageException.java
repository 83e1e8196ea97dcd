package org.resnet4j.cli;

/** A command line that cannot be run as written; the message is printed as the one-line reason. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
