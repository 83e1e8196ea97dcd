import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;

/** What {@link KillSoak} checks in a run directory, each check returning the problems it found (none: all well). */
final class SoakChecks {
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String WEIGHTS = "model.safetensors";
    static final String METRICS = "metrics.csv";
    static final String CURVES = "curves.png";
    /** The metrics columns that depend on the clock, not on the training: images per second, elapsed seconds. */
    private static final int TIMED_COLUMNS = 2;
    /** The checkpoint metadata that depends on the clock. */
    private static final String ELAPSED = "elapsed_seconds";
    /** The weights file's training time: a clock, like the checkpoint's elapsed time. */
    private static final String TRAINING_SECONDS = "training_seconds";
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private SoakChecks() {
    }

    /** Whether {@code name} is an atomic write's temporary file: {@code .<final name>.<hex digits>.tmp}. */
    static boolean isTemporary(String name) {
        return name.matches("\\..+\\.[0-9a-f]{1,16}\\.tmp");
    }

    static List<String> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(SoakChecks::isTemporary).sorted().toList();
        }
    }

    /**
     * Every file under a final name is whole: the safetensors files pass the strict reader (which checks that the
     * tensors tile the file to its last byte), the metrics file is a header and complete rows each ending in a
     * newline, the curves are a PNG that decodes and ends with its IEND chunk. Absent files are fine.
     */
    static List<String> finalFilesComplete(Path dir) {
        List<String> problems = new ArrayList<>();
        for (String name : List.of(CHECKPOINT, WEIGHTS)) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                try {
                    SafeTensors.read(file);
                } catch (IOException e) {
                    problems.add(name + " is not whole: " + e.getMessage());
                }
            }
        }
        Path metrics = dir.resolve(METRICS);
        if (Files.exists(metrics)) {
            try {
                String text = Files.readString(metrics, StandardCharsets.UTF_8);
                if (!text.endsWith("\n") || !text.startsWith("iteration,")) {
                    problems.add(METRICS + " is cut short or has no header");
                }
                text.lines().skip(1).filter(l -> l.split(",", -1).length != 9)
                        .forEach(l -> problems.add(METRICS + " has a partial row: " + l));
            } catch (IOException e) {
                problems.add(METRICS + ": " + e.getMessage());
            }
        }
        Path curves = dir.resolve(CURVES);
        if (Files.exists(curves)) {
            try {
                byte[] bytes = Files.readAllBytes(curves);
                boolean ends = bytes.length >= PNG_END.length && Arrays.equals(PNG_END, 0, PNG_END.length, bytes,
                        bytes.length - PNG_END.length, bytes.length);
                if (!ends || ImageIO.read(curves.toFile()) == null) {
                    problems.add(CURVES + " is not a whole PNG (" + bytes.length + " bytes)");
                }
            } catch (IOException e) {
                problems.add(CURVES + " does not decode: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The iteration the checkpoint in {@code dir} was written at, or "none". */
    static String checkpointIteration(Path dir) throws IOException {
        Path file = dir.resolve(CHECKPOINT);
        return Files.exists(file) ? SafeTensors.read(file).metadata().get("iteration") : "none";
    }

    /**
     * The killed run against the uninterrupted one: {@code model.safetensors}'s tensors byte for byte (every weight
     * and batch-norm buffer) and its metadata except the training time; the final checkpoint's tensors (weights, buffers and momentum) byte for
     * byte and its metadata except the elapsed time; every metrics row except its two clock columns, as written (Java
     * prints the shortest decimal that reads back as the same double, so equal text is equal bits).
     */
    static List<String> compareRuns(Path expected, Path actual) throws IOException {
        List<String> problems = new ArrayList<>();
        SafeTensorsFile weightsA = SafeTensors.read(expected.resolve(WEIGHTS));
        SafeTensorsFile weightsB = SafeTensors.read(actual.resolve(WEIGHTS));
        if (!weightsA.tensors().equals(weightsB.tensors())) {
            problems.add(WEIGHTS + " differs from the uninterrupted run's");
        }
        if (!withoutClock(weightsA.metadata()).equals(withoutClock(weightsB.metadata()))) {
            problems.add(WEIGHTS + " metadata differs: " + weightsA.metadata() + " against " + weightsB.metadata());
        }
        SafeTensorsFile a = SafeTensors.read(expected.resolve(CHECKPOINT));
        SafeTensorsFile b = SafeTensors.read(actual.resolve(CHECKPOINT));
        if (!a.tensors().equals(b.tensors())) {
            List<String> differing = a.tensors().keySet().stream()
                    .filter(n -> !a.tensors().get(n).equals(b.tensors().get(n))).toList();
            problems.add(CHECKPOINT + " tensors differ: " + differing);
        }
        if (!withoutClock(a.metadata()).equals(withoutClock(b.metadata()))) {
            problems.add(CHECKPOINT + " metadata differs: " + a.metadata() + " against " + b.metadata());
        }
        List<String> rowsA = untimedRows(expected.resolve(METRICS));
        List<String> rowsB = untimedRows(actual.resolve(METRICS));
        if (!rowsA.equals(rowsB)) {
            problems.add(METRICS + " rows differ: " + rowsA.size() + " rows against " + rowsB.size());
        }
        return problems;
    }

    private static Map<String, String> withoutClock(Map<String, String> metadata) {
        Map<String, String> copy = new HashMap<>(metadata);
        copy.remove(ELAPSED);
        copy.remove(TRAINING_SECONDS);
        return copy;
    }

    private static List<String> untimedRows(Path csv) throws IOException {
        return Files.readAllLines(csv, StandardCharsets.UTF_8).stream().map(line -> {
            String[] fields = line.split(",", -1);
            return String.join(",", Arrays.copyOf(fields, fields.length - TIMED_COLUMNS));
        }).toList();
    }
}
