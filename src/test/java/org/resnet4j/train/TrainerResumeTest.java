package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.train.TrainingFixtures.assertSameTensors;
import static org.resnet4j.train.TrainingFixtures.config;
import static org.resnet4j.train.TrainingFixtures.metadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.kernels.Kernels;

/**
 * Resuming checks the checkpoint's recipe against the run's: another seed or rate is refused, another total is
 * allowed with a warning, and a checkpoint from before recipes were recorded still resumes. Also: a run deletes the
 * temporary files a killed write left in its directory. Short runs (4 to 8 iterations) on the crafted data.
 */
class TrainerResumeTest {
    private static final Kernels KERNELS = TrainingFixtures.kernels();

    @TempDir
    static Path shared;
    private static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeData() throws IOException {
        data = TrainingFixtures.writeData(shared.resolve("data"));
    }

    @Test
    void resumingWithAnotherSeedAndRateFailsNamingBothSettingsAndValues() throws IOException {
        TrainingConfig first = config(data, dir, 4);
        new Trainer(first, KERNELS).run();
        byte[] checkpoint = Files.readAllBytes(Checkpoint.path(dir));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(withSeedAndRate(first.withIterations(8).withResume(true), 6, 0.05), KERNELS).run());

        String message = e.getMessage();
        assertTrue(message.contains("cannot resume from " + Checkpoint.path(dir)), message);
        assertTrue(message.contains("seed (--seed) saved 5, asked 6"), message);
        assertTrue(message.contains("learning rate (--lr) saved 0.02, asked 0.05"), message);
        assertFalse(message.contains("batch"), "the batch size did not change: " + message);
        assertArrayEquals(checkpoint, Files.readAllBytes(Checkpoint.path(dir)), "a refused resume writes nothing");
    }

    /** A run of 4 (steps at 2 and 3) extended to 8 (steps at 4 and 6): allowed, with a warning saying so. */
    @Test
    void resumingWithAnotherTotalContinuesAndWarnsThatTheScheduleMoved() throws IOException {
        TrainingConfig first = config(data, dir, 4);
        new Trainer(first, KERNELS).run();

        String log = logOf(() -> new Trainer(first.withIterations(8).withResume(true), KERNELS).run());

        assertTrue(log.contains("WARN  Trainer - resuming " + Checkpoint.path(dir) + ": the checkpoint's run was set "
                + "for 4 iterations, this one for 8: the paper schedule now follows the new total, dividing the learning "
                + "rate by 10 at iterations 4 and 6 (the run so far had its steps at 2 and 3); from iteration 4 the "
                + "rate is 0.002 (the saved total gives 0.0002)"), log);
        Map<String, String> saved = metadata(Checkpoint.path(dir));
        assertEquals("8", saved.get("iteration"));
        assertEquals("8", saved.get(Recipe.PREFIX + "iterations"), "the checkpoint records the total it was resumed with");
    }

    /**
     * A checkpoint as the code before recipe checks wrote it (no {@code recipe.*} keys) resumes, with one note, and
     * ends bit for bit where the uninterrupted run does; the checkpoints it writes from then on carry the recipe.
     */
    @Test
    void aCheckpointWithoutRecipeResumesExactlyAfterOneNote() throws IOException {
        Path uninterrupted = dir.resolve("uninterrupted");
        new Trainer(config(data, uninterrupted, 8), KERNELS).run();
        Path interrupted = dir.resolve("interrupted");
        TrainingConfig config = config(data, interrupted, 8);
        assertThrows(TrainingFixtures.SimulatedCrash.class,
                () -> new Trainer(config, TrainingFixtures.crashingAtIteration(KERNELS, 4)).run());
        stripRecipe(Checkpoint.path(interrupted));

        String log = logOf(() -> new Trainer(config.withResume(true), KERNELS).run());

        List<String> notes = log.lines().filter(l -> l.contains("predates recipe checks")).toList();
        assertEquals(1, notes.size(), log);
        assertTrue(notes.get(0).contains("INFO  Trainer - " + Checkpoint.path(interrupted)), notes.get(0));
        assertSameTensors(uninterrupted.resolve(Trainer.WEIGHTS_FILE), interrupted.resolve(Trainer.WEIGHTS_FILE));
        assertEquals(Recipe.of(config).toMetadata().get(Recipe.PREFIX + "seed"),
                metadata(Checkpoint.path(interrupted)).get(Recipe.PREFIX + "seed"));
    }

    @Test
    void aRunDeletesTheTemporaryFilesOfInterruptedWritesInItsDirectory() throws IOException {
        Files.createDirectories(dir);
        List<String> leftovers = List.of(".checkpoint.safetensors.0123456789abcdef.tmp", ".metrics.csv.5e.tmp",
                ".curves.png.fedcba9876543210.tmp", ".model.safetensors.1.tmp");
        for (String name : leftovers) {
            Files.write(dir.resolve(name), new byte[10]);
        }
        Files.writeString(dir.resolve("notes.tmp"), "mine");

        String log = logOf(() -> new Trainer(config(data, dir, 1), KERNELS).run());

        for (String name : leftovers) {
            assertFalse(Files.exists(dir.resolve(name)), name + " must be gone");
            assertTrue(log.contains("INFO  Trainer - deleted " + dir.resolve(name)), "no line for " + name + ":\n" + log);
        }
        assertEquals("mine", Files.readString(dir.resolve("notes.tmp")));
    }

    /** Rewrites a checkpoint without its recipe, as the code before recipe checks wrote it. */
    private static void stripRecipe(Path checkpoint) throws IOException {
        SafeTensorsFile file = SafeTensors.read(checkpoint);
        Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
        metadata.keySet().removeIf(k -> k.startsWith(Recipe.PREFIX));
        SafeTensors.write(checkpoint, file.tensors().values(), metadata);
    }

    private static TrainingConfig withSeedAndRate(TrainingConfig c, long seed, double rate) {
        return new TrainingConfig(c.model(), c.dataDirectory(), c.recordsPerFile(), c.iterations(), c.batchSize(), rate,
                c.schedule(), c.warmupIterations(), c.warmupRate(), c.momentum(), c.weightDecay(), c.validationSize(),
                c.normalization(), seed, c.threads(), c.checkpointDirectory(), c.checkpointEvery(), c.evalEvery(),
                c.logEvery(), c.resume());
    }

    private interface Run {
        void run() throws IOException;
    }

    /**
     * What {@code run} logs. logback-test.xml sends every logger to the console, whose appender writes to whatever
     * {@code System.out} is at the time, so swapping it captures the lines (the tests of a class run one at a time).
     */
    private static String logOf(Run run) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setOut(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }
}
