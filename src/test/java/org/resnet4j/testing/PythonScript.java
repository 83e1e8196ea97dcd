package org.resnet4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of src/test/python's reference scripts with Debian's python3 and says whether its output can be used: a
 * skip reason when python3 or an import is missing (the scripts exit with 3 then), a failure when the script broke.
 */
public final class PythonScript {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The scripts' exit status when torch, torchvision or another import is missing. */
    public static final int IMPORT_FAILED = 3;

    /** What a run gave: exactly one of the two is non-null when it cannot be used. */
    public record Outcome(String skipReason, String failure) {
        public boolean usable() {
            return skipReason == null && failure == null;
        }
    }

    private PythonScript() {
    }

    /**
     * @param missing what to tell the reader when an import fails (the packages to install)
     * @param log     where the script's output goes
     */
    public static Outcome run(String script, List<String> arguments, String missing, Path log, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path file = Path.of("src", "test", "python", script);
        if (!Files.isExecutable(PYTHON)) {
            return new Outcome(missing + " (there is no " + PYTHON + ")", null);
        }
        if (!Files.isRegularFile(file)) {
            return new Outcome(null, file.toAbsolutePath() + " is missing: run the tests from the project directory");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        Process python = builder.start();
        if (!python.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            python.destroyForcibly().waitFor();
            return new Outcome(null, command + " did not finish in " + timeoutSeconds + " s: " + read(log));
        }
        if (python.exitValue() == IMPORT_FAILED) {
            return new Outcome(missing + " (" + read(log).strip() + ")", null);
        }
        if (python.exitValue() != 0) {
            return new Outcome(null, command + " exited with " + python.exitValue() + ": " + read(log));
        }
        return new Outcome(null, null);
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
