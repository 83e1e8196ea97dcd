package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;

/**
 * {@code train}, {@code train --resume} and {@code eval} on a crafted CIFAR-10 directory of 24 images per file (96
 * to train on, 24 held out, 24 to test). One run of 10 iterations, extended to 20, is shared by the tests.
 */
class TrainEvalCommandTest {
    private static final Pattern EVAL_LINE = Pattern.compile("^accuracy=([01]\\.\\d+) error=(\\d+\\.\\d+) images=(\\d+)$");

    @TempDir
    static Path root;
    private static Path data;
    private static Path run;
    private static Cli first;
    private static List<String> firstMetrics;
    private static Cli resumed;

    private static String[] train(String... extra) {
        return trainWithBatch(8, extra);
    }

    private static String[] trainWithBatch(int batch, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--model", "resnet20", "--data", data.toString(),
                "--records-per-file", "24", "--batch", Integer.toString(batch), "--lr", "0.02", "--val-size", "24",
                "--seed", "3", "--checkpoint-dir", run.toString(), "--checkpoint-every", "5", "--eval-every", "5"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void trainAndResume() throws IOException {
        data = root.resolve("data");
        Cifar10Fixtures.writeLearnableDirectory(data, 24, 5);
        run = root.resolve("run");
        first = Cli.run(train("--iterations", "10"));
        firstMetrics = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        resumed = Cli.run(train("--iterations", "20", "--resume"));
    }

    private static String iteration(Path file) throws IOException {
        return SafeTensors.read(file).metadataValue("iteration");
    }

    @Test
    void trainPrintsItsSummaryLine() {
        first.assertSuccess();
        assertTrue(first.lastLine().matches("^weights=\\S+model\\.safetensors iterations=10 val_error=\\d+\\.\\d+% "
                + "seconds=\\d+$"), first.lastLine());
        assertEquals(List.of("iteration", "5", "10"), firstMetrics.stream().map(l -> l.split(",")[0]).toList());
    }

    @Test
    void resumeAfterTenIterationsDoesTenMore() throws IOException {
        resumed.assertSuccess();
        assertTrue(resumed.lastLine().contains(" iterations=20 "), resumed.lastLine());
        assertEquals("20", iteration(run.resolve("checkpoint.safetensors")));
        assertEquals("20", SafeTensors.read(run.resolve("model.safetensors")).metadataValue("iterations"));
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        // The first run's rows stay as they were; the resumed run adds 15 and 20.
        assertEquals(firstMetrics, metrics.subList(0, 3));
        assertEquals(List.of("15", "20"), metrics.subList(3, metrics.size()).stream().map(l -> l.split(",")[0]).toList());
    }

    @Test
    void evalPrintsAccuracyErrorAndImageCount() {
        Cli test = Cli.run("eval", "--model", "resnet20", "--weights", run.resolve("model.safetensors").toString(),
                "--data", data.toString(), "--records-per-file", "24").assertSuccess();

        Matcher m = EVAL_LINE.matcher(test.lastLine());
        assertTrue(m.matches(), test.lastLine());
        double accuracy = Double.parseDouble(m.group(1));
        assertTrue(accuracy <= 1, test.lastLine());
        assertEquals(100 * (1 - accuracy), Double.parseDouble(m.group(2)), 0.01, "error is the percentage missed");
        assertEquals("24", m.group(3), "every image of test_batch.bin");

        Cli validation = Cli.run("eval", "--model", "resnet20", "--weights", run.resolve("model.safetensors").toString(),
                "--data", data.toString(), "--records-per-file", "24", "--split", "val").assertSuccess();
        Matcher v = EVAL_LINE.matcher(validation.lastLine());
        assertTrue(v.matches(), validation.lastLine());
        assertEquals("24", v.group(3), "the 24 images held out by the weights' split");
    }

    /** A checkpoint of a run in progress evaluates like the final weights: its recipe tells the split (24 here). */
    @Test
    void evalReadsACheckpointLikeTheFinalWeights() {
        for (String split : new String[] {"val", "test"}) {
            Cli fromWeights = Cli.run("eval", "--model", "resnet20", "--weights",
                    run.resolve("model.safetensors").toString(), "--data", data.toString(), "--records-per-file", "24",
                    "--split", split).assertSuccess();
            Cli fromCheckpoint = Cli.run("eval", "--model", "resnet20", "--weights",
                    run.resolve("checkpoint.safetensors").toString(), "--data", data.toString(), "--records-per-file",
                    "24", "--split", split).assertSuccess();

            assertEquals(fromWeights.lastLine(), fromCheckpoint.lastLine(), "both hold iteration 20, split " + split);
        }
    }

    @Test
    void evalFailuresAreOneLine() throws IOException {
        String weights = run.resolve("model.safetensors").toString();
        Cli.run("eval", "--model", "resnet20", "--weights", weights, "--data", data.toString())
                .assertFailure(1, "expected 30730000 bytes (10000 records of 3073 bytes), found 73752 bytes");
        Cli.run("eval", "--model", "resnet20", "--weights", weights, "--data", root.resolve("nowhere").toString(),
                "--records-per-file", "24").assertFailure(1, "CIFAR-10 data not found");
        Cli.run("eval", "--model", "resnet32", "--weights", weights, "--data", data.toString(),
                "--records-per-file", "24").assertFailure(1, "weights of resnet20, not resnet32");
        Cli.run("eval", "--model", "resnet20", "--weights", weights, "--data", data.toString(),
                "--records-per-file", "24", "--split", "dev").assertFailure(2, "--split must be test, val or train");

        // Weights or a checkpoint with a normalization but no record of the split: the test split is fine, the
        // held-out one unknown.
        Path withoutSplit = withoutMetadata(Path.of(weights), key -> key.equals("split_seed"));
        // A checkpoint from before recipes were recorded has none of the split entries either.
        Path withoutRecipe = withoutMetadata(run.resolve("checkpoint.safetensors"), key -> key.startsWith("recipe.")
                || key.equals("split_seed") || key.equals("validation_size"));
        for (Path file : new Path[] {withoutSplit, withoutRecipe}) {
            Cli.run("eval", "--model", "resnet20", "--weights", file.toString(), "--data", data.toString(),
                    "--records-per-file", "24").assertSuccess();
        }
        Cli.run("eval", "--model", "resnet20", "--weights", withoutSplit.toString(), "--data", data.toString(),
                "--records-per-file", "24", "--split", "val")
                .assertFailure(1, "does not record the validation split (no split_seed)");
        Cli.run("eval", "--model", "resnet20", "--weights", withoutRecipe.toString(), "--data", data.toString(),
                "--records-per-file", "24", "--split", "val")
                .assertFailure(1, "predates recorded recipes, so it does not record the validation split");
    }

    /** A copy of {@code source} in the temporary root whose metadata lacks the keys {@code drop} accepts. */
    private static Path withoutMetadata(Path source, Predicate<String> drop) throws IOException {
        SafeTensorsFile file = SafeTensors.read(source);
        Map<String, String> metadata = new HashMap<>(file.metadata());
        metadata.keySet().removeIf(drop);
        Path copy = root.resolve("stripped-" + source.getFileName());
        SafeTensors.write(copy, file.tensors().values(), metadata);
        return copy;
    }

    /**
     * A checkpoint whose metadata is corrupt is a broken file, not a bad command line: status 1 with the file named,
     * for {@code train --resume} and for {@code eval --weights} alike (each value below once made {@code train} exit 2).
     */
    @Test
    void aCheckpointWithCorruptMetadataIsAFailureNotAUsageError() throws IOException {
        Map<String, String> corruptions = Map.of("loader", "3,1,2", "normalization.mean", "0.5,zero,0.5",
                "normalization.std", "0.2,0.2", "iteration", "ten");
        for (Map.Entry<String, String> corruption : corruptions.entrySet()) {
            Path copy = root.resolve("corrupt-" + corruption.getKey());
            Files.createDirectories(copy);
            Path checkpoint = copy.resolve("checkpoint.safetensors");
            SafeTensorsFile file = SafeTensors.read(run.resolve("checkpoint.safetensors"));
            Map<String, String> metadata = new HashMap<>(file.metadata());
            metadata.put(corruption.getKey(), corruption.getValue());
            SafeTensors.write(checkpoint, file.tensors().values(), metadata);
            Files.copy(run.resolve("metrics.csv"), copy.resolve("metrics.csv"));

            List<String> resume = new java.util.ArrayList<>(List.of(train("--iterations", "30", "--resume")));
            resume.set(resume.indexOf(run.toString()), copy.toString());
            Cli.run(resume.toArray(String[]::new))
                    .assertFailure(1, checkpoint + ": malformed checkpoint metadata: ");
            if (!corruption.getKey().equals("iteration") && !corruption.getKey().equals("loader")) {
                // eval reads only what it needs: the weights and the normalization.
                Cli.run("eval", "--model", "resnet20", "--weights", checkpoint.toString(), "--data", data.toString(),
                        "--records-per-file", "24").assertFailure(1, checkpoint.toString());
            }
        }
    }

    @Test
    void resumingWithAnotherBatchSizeIsRefused() {
        Cli.run(trainWithBatch(4, "--iterations", "30", "--resume"))
                .assertFailure(2, "batch size (--batch) saved 8, asked 4");
    }

    /** A directory that holds a run is not started over by accident; --overwrite starts it over, knowingly. */
    @Test
    void aDirectoryHoldingARunIsRefusedUnlessResumedOrOverwritten() throws IOException {
        Path other = root.resolve("refuse");
        List<String> base = List.of("train", "--model", "resnet20", "--data", data.toString(), "--records-per-file", "24",
                "--batch", "8", "--val-size", "24", "--seed", "3", "--checkpoint-dir", other.toString(),
                "--iterations", "2", "--eval-every", "2");
        Cli.run(base.toArray(String[]::new)).assertSuccess();
        byte[] weights = Files.readAllBytes(other.resolve("model.safetensors"));

        Cli.run(base.toArray(String[]::new)).assertFailure(2, other + " holds a training run; pass --resume");
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights, Files.readAllBytes(other.resolve("model.safetensors")));

        List<String> both = new java.util.ArrayList<>(base);
        both.addAll(List.of("--resume", "--overwrite"));
        Cli.run(both.toArray(String[]::new)).assertFailure(2, "give --resume or --overwrite, not both");

        List<String> overwrite = new java.util.ArrayList<>(base);
        overwrite.add("--overwrite");
        Cli again = Cli.run(overwrite.toArray(String[]::new)).assertSuccess();
        assertTrue(again.lastLine().contains(" iterations=2 "), again.lastLine());
        assertEquals(2, Files.readAllLines(other.resolve("metrics.csv")).size(), "header and one row: a new run");
    }

    /** eval takes the shared model switches as switches: "--zero-init-residual --weights W" was "unexpected 'W'". */
    @Test
    void evalTakesTheSharedModelSwitches() {
        Cli plain = Cli.run("eval", "--model", "resnet20", "--weights", run.resolve("model.safetensors").toString(),
                "--data", data.toString(), "--records-per-file", "24").assertSuccess();
        Cli switched = Cli.run("eval", "--model", "resnet20", "--zero-init-residual", "--weights",
                run.resolve("model.safetensors").toString(), "--stride-on-first-1x1", "--data", data.toString(),
                "--records-per-file", "24").assertSuccess();
        assertEquals(plain.lastLine(), switched.lastLine(), "the weights replace what the switches initialize");
    }

    /** A small finished run in {@code root/name}, and the arguments that made it. */
    private static List<String> smallRun(String name) {
        List<String> args = List.of("train", "--model", "resnet20", "--data", data.toString(), "--records-per-file",
                "24", "--batch", "8", "--val-size", "24", "--seed", "3", "--checkpoint-dir",
                root.resolve(name).toString(), "--iterations", "2", "--eval-every", "2");
        Cli.run(args.toArray(String[]::new)).assertSuccess();
        return args;
    }

    private static String[] with(List<String> args, String... extra) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    /** --overwrite=no is not a yes: it once cleared the run and trained a new one. */
    @Test
    void aSwitchGivenAnotherWordIsRefusedAndTheRunStays() throws IOException {
        List<String> args = smallRun("switch-word");
        Path dir = root.resolve("switch-word");
        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        byte[] metrics = Files.readAllBytes(dir.resolve("metrics.csv"));

        Cli.run(with(args, "--overwrite=no")).assertFailure(2, "--overwrite is a switch: give it alone, or as "
                + "--overwrite=true or --overwrite=false, got 'no'");
        Cli.run(with(args, "--resume=0")).assertFailure(2, "--resume is a switch: give it alone, or as --resume=true or "
                + "--resume=false, got '0'");
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        org.junit.jupiter.api.Assertions.assertArrayEquals(metrics, Files.readAllBytes(dir.resolve("metrics.csv")));
    }

    /**
     * --overwrite deletes the earlier run only once the new one has passed every check: a momentum the recipe refuses
     * (checked after the data are read) used to leave the directory emptied and the command failed.
     */
    @Test
    void anOverwriteRefusedForItsSettingsLeavesTheEarlierRunWhole() throws IOException {
        List<String> args = smallRun("overwrite-refused");
        Path dir = root.resolve("overwrite-refused");
        Map<String, byte[]> before = new HashMap<>();
        for (String file : List.of("checkpoint.safetensors", "model.safetensors", "metrics.csv", "curves.png")) {
            before.put(file, Files.readAllBytes(dir.resolve(file)));
        }

        Cli.run(with(args, "--overwrite", "--momentum", "1.5")).assertFailure(2, "momentum must be in [0, 1), got 1.5");
        Cli.run(with(args, "--overwrite", "--warmup-iterations", "5", "--warmup-lr", "-1"))
                .assertFailure(2, "warmup rate must be >= 0");
        // A warm-up rate without warm-up iterations warms nothing up, and was recorded in the recipe as if it had.
        Cli.run(with(args, "--overwrite", "--warmup-lr", "0.05")).assertFailure(2, "train: --warmup-lr is the rate of "
                + "the warm-up iterations; give --warmup-iterations N (more than 0) with it");
        for (Map.Entry<String, byte[]> file : before.entrySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(file.getValue(),
                    Files.readAllBytes(dir.resolve(file.getKey())), file.getKey());
        }
    }

    /**
     * A checkpoint directory no file can be written into fails before the first step, naming the directory (it
     * failed at the first checkpoint). Not as root (with the capability to override permissions), which writes anyway.
     */
    @Test
    void aReadOnlyCheckpointDirectoryFailsAtOnceNamingIt() throws IOException {
        Path readOnly = root.resolve("read-only");
        Files.createDirectories(readOnly);
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "permissions are not enforced");
            List<String> args = new java.util.ArrayList<>(List.of(train("--iterations", "2")));
            args.set(args.indexOf(run.toString()), readOnly.toString());
            Cli.run(args.toArray(String[]::new)).assertFailure(1, readOnly + ": the run directory is not writable "
                    + "(permission denied)");
        } finally {
            Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Trained on every image (--val-size 0): training figures only, never NaN; eval --split val says why not. */
    @Test
    void aRunWithoutValidationReportsTrainingFiguresAndNoNaN() throws IOException {
        Path all = root.resolve("all");
        Cli run = Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--records-per-file", "24",
                "--batch", "8", "--val-size", "0", "--seed", "3", "--checkpoint-dir", all.toString(), "--iterations",
                "4", "--eval-every", "2").assertSuccess();
        assertTrue(run.lastLine().matches("^weights=\\S+ iterations=4 train_error=\\d+\\.\\d+% seconds=\\d+$"),
                run.lastLine());
        String csv = Files.readString(all.resolve("metrics.csv"));
        assertTrue(!csv.contains("NaN") && !run.out().contains("NaN"), csv + run.out());

        Cli resumedFinished = Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--records-per-file",
                "24", "--batch", "8", "--val-size", "0", "--seed", "3", "--checkpoint-dir", all.toString(),
                "--iterations", "4", "--eval-every", "2", "--resume").assertSuccess();
        assertTrue(resumedFinished.lastLine().contains(" train_error="), resumedFinished.lastLine());
        assertTrue(!resumedFinished.out().contains("NaN"), resumedFinished.out());

        Cli.run("eval", "--model", "resnet20", "--weights", all.resolve("model.safetensors").toString(), "--data",
                data.toString(), "--records-per-file", "24", "--split", "val")
                .assertFailure(1, "held none out, so there is no validation split to evaluate");
    }
}
