package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reference script of src/test/python with Debian's {@code /usr/bin/python3} once, into a directory, for a
 * test class that compares with PyTorch live. The script exits with status 3 when it cannot import what it needs
 * (torch, torchvision, skimage); the tests are then skipped with the command that installs them. Any other failure
 * fails them.
 */
public final class PythonReference {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String MISSING = "python3-torch not installed: apt-get install python3-torch python3-torchvision";
    private static final int IMPORT_FAILED = 3;

    private final Path script;
    private final List<String> arguments;
    private final Path directory;
    private final long timeoutSeconds;
    private final String missing;
    private boolean ran;
    private String skipReason;
    private String failure;

    /**
     * @param script         relative to the project directory, e.g. {@code src/test/python/x.py}
     * @param directory      where the script writes (its one argument)
     * @param timeoutSeconds after which the script counts as failed
     */
    public PythonReference(Path script, Path directory, long timeoutSeconds) {
        this(script, List.of(), directory, timeoutSeconds, MISSING);
    }

    /**
     * @param arguments what comes before the directory on the script's command line ({@code --live})
     * @param missing   the skip reason when an import fails: what to install
     */
    public PythonReference(Path script, List<String> arguments, Path directory, long timeoutSeconds, String missing) {
        this.script = script;
        this.arguments = List.copyOf(arguments);
        this.directory = directory;
        this.timeoutSeconds = timeoutSeconds;
        this.missing = missing;
    }

    /**
     * Runs the script on the first call; skips the calling test when PyTorch is absent and fails it when the script
     * failed. Call from each test rather than from {@code @BeforeAll}, so that a skip is reported with its reason.
     *
     * @return the directory holding what the script wrote
     */
    public synchronized Path require() throws IOException, InterruptedException {
        if (!ran) {
            ran = true;
            run();
        }
        assumeTrue(skipReason == null, skipReason);
        if (failure != null) {
            fail(failure);
        }
        return directory;
    }

    private void run() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            skipReason = missing + " (there is no " + PYTHON + ")";
            return;
        }
        if (!Files.isRegularFile(script)) {
            failure = script.toAbsolutePath() + " is missing: run the tests from the project directory";
            return;
        }
        Files.createDirectories(directory);
        Path log = directory.resolve("python.log");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(arguments);
        command.add(directory.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        long start = System.nanoTime();
        Process python = builder.start();
        if (!python.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            python.destroyForcibly().waitFor();
            failure = PYTHON + " " + script + " did not finish in " + timeoutSeconds + " s: " + read(log);
            return;
        }
        System.out.printf("%s written in %.1f s%n", script.getFileName(), (System.nanoTime() - start) / 1e9);
        if (python.exitValue() == IMPORT_FAILED) {
            skipReason = missing + " (" + read(log).strip() + ")";
        } else if (python.exitValue() != 0) {
            failure = PYTHON + " " + script + " exited with " + python.exitValue() + ": " + read(log);
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
