package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command-line tool in this JVM and keeps what it printed. */
record Cli(int status, String out, String err) {

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    String lastLine() {
        List<String> lines = outLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Succeeded; the message shows standard error otherwise. */
    Cli assertSuccess() {
        assertEquals(0, status, "exit status; stderr: " + err);
        return this;
    }

    /**
     * Failed with {@code expectedStatus} and exactly one line on standard error, {@code error: <reason>}, that
     * contains {@code fragment}; nothing on standard output.
     */
    Cli assertFailure(int expectedStatus, String fragment) {
        assertEquals(expectedStatus, status, "exit status; stderr: " + err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), "one line on stderr, got: " + err);
        assertTrue(lines.get(0).startsWith("error: "), lines.get(0));
        assertTrue(lines.get(0).contains(fragment), "expected '" + fragment + "' in: " + lines.get(0));
        assertEquals("", out, "stdout");
        return this;
    }
}
