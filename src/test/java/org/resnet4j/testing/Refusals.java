package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions that a call is refused with a message that names the problem. */
public final class Refusals {
    private Refusals() {
    }

    /** Asserts that {@code call} throws an IllegalArgumentException whose message contains every fragment. */
    public static IllegalArgumentException rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
        return e;
    }
}
