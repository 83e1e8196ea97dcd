package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.train.TrainingFixtures.assertSameTensors;
import static org.resnet4j.train.TrainingFixtures.config;
import static org.resnet4j.train.TrainingFixtures.metadata;
import static org.resnet4j.train.TrainingFixtures.tensors;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;

/**
 * Short real runs of resnet20 on crafted, learnable data (12 batches per epoch): what a run writes, that it learns,
 * determinism, exact resume after an interruption, and the stop on divergence. One uninterrupted baseline run of
 * {@value #N} iterations (the paper's rate steps at 8 and 12) is shared by the tests that compare against it.
 */
class TrainerTest {
    private static final long N = 16;

    @TempDir
    static Path shared;
    private static Path data;
    private static Path baseline;
    private static Trainer.Summary baselineSummary;
    private static final Kernels KERNELS = TrainingFixtures.kernels();

    @TempDir
    Path dir;

    @BeforeAll
    static void trainBaseline() throws IOException {
        data = TrainingFixtures.writeData(shared.resolve("data"));
        baseline = shared.resolve("baseline");
        baselineSummary = new Trainer(config(data, baseline, N), KERNELS).run();
    }

    @Test
    void runWritesWeightsCheckpointMetricsAndCurvesAndTheLossFalls() throws IOException {
        assertEquals(N, baselineSummary.iterations());
        assertEquals(baseline.resolve(Trainer.WEIGHTS_FILE), baselineSummary.weights());
        assertEquals(TrainingFixtures.VALIDATION, baselineSummary.validationImages());
        assertTrue(Files.isRegularFile(baseline.resolve(Trainer.WEIGHTS_FILE)));
        assertTrue(Files.isRegularFile(Checkpoint.path(baseline)));
        assertEquals(Long.toString(N), metadata(Checkpoint.path(baseline)).get("iteration"));
        assertEquals(Long.toString(N), metadata(baseline.resolve(Trainer.WEIGHTS_FILE)).get("iterations"));

        List<String> lines = Files.readAllLines(baseline.resolve(MetricsLog.CSV), StandardCharsets.UTF_8);
        assertEquals(MetricsRow.HEADER, lines.get(0));
        assertEquals(List.of(8L, 16L), iterations(baseline), "one row per evaluation, every 8 iterations");
        MetricsRow first = MetricsRow.parse(lines.get(1));
        MetricsRow last = MetricsRow.parse(lines.get(lines.size() - 1));
        assertTrue(first.trainLoss() > 1.5, "a fresh network starts near ln 10 = 2.3, got " + first.trainLoss());
        assertTrue(last.trainLoss() < 0.8 * first.trainLoss(),
                "training loss should fall on learnable data: first " + first.trainLoss() + ", last " + last.trainLoss());
        assertTrue(last.validationError() < 0.6, "far better than chance (0.9): " + last.validationError());
        assertEquals(N / TrainingFixtures.BATCHES_PER_EPOCH, last.epoch(), "16 iterations of 12 batches per epoch end in "
                + "epoch 1");
        assertEquals(TrainingFixtures.RATE * 0.01, last.learningRate(), 1e-12, "the paper's steps at 8 and 12 of 16");
        assertEquals(baselineSummary.validationError(), last.validationError());

        BufferedImage png = ImageIO.read(baseline.resolve(MetricsLog.PNG).toFile());
        assertNotNull(png, "curves.png must be a readable image");
        assertEquals(900, png.getWidth());
        assertEquals(560, png.getHeight());
        assertNoTemporaryFiles(baseline);
    }

    @Test
    void theSameRunTwiceGivesBitIdenticalWeights() throws IOException {
        new Trainer(config(data, dir, N), KERNELS).run();

        assertSameTensors(baseline.resolve(Trainer.WEIGHTS_FILE), dir.resolve(Trainer.WEIGHTS_FILE));
        assertSameTensors(Checkpoint.path(baseline), Checkpoint.path(dir));
    }

    /** Every parallel reduction has a fixed chunking, so 1 or 3 threads end on the baseline's bits. */
    @Test
    void theThreadCountDoesNotChangeTheWeights() throws IOException {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                Path run = dir.resolve("threads-" + threads);
                new Trainer(config(data, run, N).withThreads(threads), KERNELS).run();
                assertSameTensors(baseline.resolve(Trainer.WEIGHTS_FILE), run.resolve(Trainer.WEIGHTS_FILE));
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void interruptedAtHalfAndResumedEqualsTheUninterruptedRun() throws IOException {
        // Iteration 8 (0-based) dies after the checkpoint of iteration 8 was written.
        TrainingConfig config = config(data, dir, N);
        Kernels crashing = TrainingFixtures.crashingAtIteration(KERNELS, N / 2);
        assertThrows(TrainingFixtures.SimulatedCrash.class, () -> new Trainer(config, crashing).run());
        assertEquals(Long.toString(N / 2), metadata(Checkpoint.path(dir)).get("iteration"));
        assertFalse(Files.exists(dir.resolve(Trainer.WEIGHTS_FILE)));

        Trainer.Summary resumed = new Trainer(config.withResume(true), KERNELS).run();

        assertEquals(N, resumed.iterations());
        assertSameTensors(baseline.resolve(Trainer.WEIGHTS_FILE), dir.resolve(Trainer.WEIGHTS_FILE));
        // The checkpoints hold the momentum buffers too (optimizer.momentum.*).
        assertSameTensors(Checkpoint.path(baseline), Checkpoint.path(dir));
        assertSameMetrics(baseline, dir);
    }

    /**
     * A crash between checkpoints loses the iterations since the last one: with a checkpoint every 4 iterations, a
     * run dying in iteration 10 resumes from 8 and redoes 8 and 9, ending exactly as the uninterrupted run (the data
     * order, the rate schedule and the running training statistics all continue from the checkpoint of 8).
     */
    @Test
    void crashBetweenCheckpointsResumesFromTheLastOneAndStillEndsIdentically() throws IOException {
        TrainingConfig config = config(data, dir, N);
        assertThrows(TrainingFixtures.SimulatedCrash.class,
                () -> new Trainer(config, TrainingFixtures.crashingAtIteration(KERNELS, 10)).run());
        assertEquals("8", metadata(Checkpoint.path(dir)).get("iteration"));

        new Trainer(config.withResume(true), KERNELS).run();

        assertSameTensors(baseline.resolve(Trainer.WEIGHTS_FILE), dir.resolve(Trainer.WEIGHTS_FILE));
        assertSameTensors(Checkpoint.path(baseline), Checkpoint.path(dir));
        assertSameMetrics(baseline, dir);
    }

    /**
     * Asking for fewer iterations is a finished run, not an interruption: it ends cleanly at its total (a checkpoint
     * and a metrics row there, though neither interval divides 10), and resuming with a larger total extends it from
     * that point, at the data position where it stopped but with the rate schedule of the new total. With the paper's
     * steps (at 1/2 and 3/4 of the total) its first part ran on another schedule, so its weights are not those of the
     * uninterrupted run: only an interrupted run resumed with the same total is bit-for-bit the same.
     */
    @Test
    void aRunStoppedAtAnUndividedPointCanBeExtended() throws IOException {
        TrainingConfig first = config(data, dir, 10);
        new Trainer(first, KERNELS).run();
        assertEquals("10", metadata(Checkpoint.path(dir)).get("iteration"));
        assertEquals(List.of(8L, 10L), iterations(dir));

        Trainer.Summary extended = new Trainer(first.withIterations(N).withResume(true), KERNELS).run();

        assertEquals(N, extended.iterations());
        assertEquals(Long.toString(N), metadata(Checkpoint.path(dir)).get("iteration"));
        assertEquals(metadata(Checkpoint.path(baseline)).get("loader"), metadata(Checkpoint.path(dir)).get("loader"),
                "the extension continues the data order where the first part stopped");
        assertEquals(List.of(8L, 10L, 16L), iterations(dir));
        List<MetricsRow> rows = rows(dir);
        double bothSteps = TrainingFixtures.RATE * 0.01;
        assertEquals(bothSteps, rows.get(1).learningRate(), 1e-12, "iteration 9 of a 10-iteration run: past 5 and 7");
        assertEquals(bothSteps, rows.get(2).learningRate(), 1e-12, "iteration 15 of 16: past 8 and 12");
    }

    @Test
    void divergenceStopsNamingTheIterationAndKeepsTheLastGoodCheckpoint() throws IOException {
        // At a rate of 1e6 weight decay alone multiplies the weights by about -99 per step, until the loss overflows.
        TrainingConfig config = TrainingFixtures.constantRate(data, dir.resolve("diverging"), 40, 1e6);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(config, KERNELS).run());
        long failed = e.iteration();
        assertTrue(failed > 0 && failed < 40, "diverged at " + failed);
        assertTrue(e.getMessage().contains("iteration " + failed), e.getMessage());

        Path kept = Checkpoint.path(config.checkpointDirectory());
        assertEquals(Long.toString(failed), metadata(kept).get("iteration"), "checkpoints are written every iteration");
        assertAllFinite(kept);
        // The kept file is exactly what a run stopping at that iteration writes: the failing step changed nothing.
        Path stopped = dir.resolve("stopped");
        new Trainer(TrainingFixtures.constantRate(data, stopped, failed, 1e6), KERNELS).run();
        assertSameTensors(Checkpoint.path(stopped), kept);
        assertNoTemporaryFiles(config.checkpointDirectory());
    }

    /** A step whose loss is finite but whose update overflows must not be saved as the "last good" checkpoint. */
    @Test
    void anUpdateLeavingNonFiniteWeightsNeverReachesACheckpoint() throws IOException {
        TrainingConfig config = TrainingFixtures.constantRate(data, dir, 6, TrainingFixtures.RATE);
        Kernels poisoned = TrainingFixtures.poisonedGradientAtIteration(KERNELS, 3);

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(config, poisoned).run());

        assertEquals(3, e.iteration());
        assertTrue(e.getMessage().contains("the update of iteration 3 left NaN in "), e.getMessage());
        assertEquals("3", metadata(Checkpoint.path(dir)).get("iteration"), "the checkpoint of iteration 3 is kept");
        assertAllFinite(Checkpoint.path(dir));
        assertNoTemporaryFiles(dir);
    }

    private static void assertAllFinite(Path file) throws IOException {
        for (TensorEntry entry : tensors(file).values()) {
            if (entry.dtype().isFloatingPoint()) {
                for (float v : entry.toFloats()) {
                    assertTrue(Float.isFinite(v), file + " must be usable, but " + entry.name() + " holds " + v);
                }
            }
        }
    }

    private static List<MetricsRow> rows(Path run) throws IOException {
        return Files.readAllLines(run.resolve(MetricsLog.CSV), StandardCharsets.UTF_8).stream().skip(1)
                .map(MetricsRow::parse).toList();
    }

    private static List<Long> iterations(Path run) throws IOException {
        return rows(run).stream().map(MetricsRow::iteration).toList();
    }

    /** Equal metrics apart from the timing columns. */
    private static void assertSameMetrics(Path expected, Path actual) throws IOException {
        List<MetricsRow> a = rows(expected);
        List<MetricsRow> b = rows(actual);
        assertEquals(a.size(), b.size(), "metrics rows");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(withoutTiming(a.get(i)), withoutTiming(b.get(i)), "metrics row " + i);
        }
    }

    private static MetricsRow withoutTiming(MetricsRow r) {
        return new MetricsRow(r.iteration(), r.epoch(), r.learningRate(), r.trainLoss(), r.trainError(),
                r.validationLoss(), r.validationError(), 0, 0);
    }

    static void assertNoTemporaryFiles(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            List<String> temporary = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), temporary, "temporary files left in " + directory);
        }
    }
}
