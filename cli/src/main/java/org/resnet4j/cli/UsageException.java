package org.resnet4j.cli;

/** A command line that cannot be run as written; the message is printed as the one-line reason. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }

    private UsageException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * What to throw for a value the library refused: a usage error carrying its message, or, when it has none (a
     * failure deep inside, not a refusal that names the value), the exception itself, reported as a failure.
     */
    static RuntimeException of(IllegalArgumentException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e : new UsageException(message, e);
    }
}
