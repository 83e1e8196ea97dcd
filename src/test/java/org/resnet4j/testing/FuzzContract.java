package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every reader of untrusted bytes promises when it refuses them: its own exception type, with a message that
 * names the file and stays one printable line (a file's bytes must not be able to forge lines in a user's log).
 */
public final class FuzzContract {
    private FuzzContract() {
    }

    /**
     * Checks that {@code failure} is a {@code documented} with a message naming {@code source}; otherwise rethrows it,
     * so the fuzzer records the input and the original stack trace.
     */
    public static void assertDocumentedFailure(Throwable failure, Class<? extends Throwable> documented, String source)
            throws Throwable {
        if (!documented.isInstance(failure)) {
            throw failure;
        }
        String message = failure.getMessage();
        assertNotNull(message, "a " + documented.getSimpleName() + " without a message");
        assertTrue(message.contains(source), "the message must name " + source + ": " + message);
        assertTrue(message.chars().noneMatch(Character::isISOControl),
                "the message must be one printable line: " + message);
    }
}
