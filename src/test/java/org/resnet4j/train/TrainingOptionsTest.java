package org.resnet4j.train;

import static org.resnet4j.data.Augmentation.PAD_CROP_FLIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.ArrayDataset;
import org.resnet4j.data.Augmentation;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/** The fluent trainer's defaults are the paper's recipe, and every bad option is refused naming itself and its value. */
class TrainingOptionsTest {
    private static final ArrayDataset DATA = ArrayDataset.redOrBlue(12, 4, 1);
    private static final ResNet MODEL = ResNets.create("resnet20", ModelOptions.defaults(2));

    @TempDir
    Path dir;

    private static void assertRefused(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    private static void assertRefused(String message, Consumer<Training> option) {
        assertRefused(message, () -> option.accept(Training.of(MODEL, DATA)));
    }

    /**
     * The train command validates CIFAR-sized images 500 at a time, larger ones at its training batch: 500 of a
     * folder's 224x224 images would need gigabytes more than the training step that fits.
     */
    @Test
    void largerImagesAreValidatedAtTheTrainingBatchSize(@TempDir Path dir) {
        TrainingConfig config = TrainingConfig.paper("resnet20", dir, dir.resolve("run"));
        Trainer trainer = new Trainer(config);
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(2));
        assertEquals(500, trainer.training(ArrayDataset.redOrBlue(12, 32, 1), null, model, "small").evaluationBatchSize);
        assertEquals(128, trainer.training(ArrayDataset.redOrBlue(12, 64, 1), null, model, "large").evaluationBatchSize);
    }

    @Test
    void theDefaultsAreThePapersRecipe() {
        Training training = Training.of(MODEL, DATA);
        assertEquals(new Recipe(0, 128, 0.1, Schedule.PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 0,
                NormalizationKind.PER_CHANNEL, PAD_CROP_FLIP, 64_000), training.recipe());
        assertEquals(Augmentation.PAD_CROP_FLIP, training.augmentation);
        assertEquals(List.of(1_000L, 1_000L, 100L), List.of(training.checkpointEvery, training.evaluateEvery,
                training.logEvery));
        assertEquals(List.of(32_000L, 48_000L), List.of(firstIterationAt(training.recipe(), 0.01),
                firstIterationAt(training.recipe(), 0.001)), "the rate falls tenfold at 32k and 48k");
    }

    private static long firstIterationAt(Recipe recipe, double rate) {
        long i = 0;
        while (Math.abs(recipe.learningRates().rate(i) - rate) > 1e-12) {
            i++;
        }
        return i;
    }

    @Test
    void eachBadValueIsRefusedNamingTheOptionAndTheValue() {
        assertRefused("iterations must be >= 1, got 0", t -> t.iterations(0));
        assertRefused("batchSize must be >= 2, got 1", t -> t.batchSize(1));
        assertRefused("learningRate must be > 0 and finite, got -0.1", t -> t.learningRate(-0.1));
        assertRefused("learningRate must be > 0 and finite, got NaN", t -> t.learningRate(Double.NaN));
        assertRefused("warmup iterations must be >= 0, got -1", t -> t.warmup(-1, 0.01));
        assertRefused("warmup rate must be >= 0 and finite, got -0.01", t -> t.warmup(400, -0.01));
        assertRefused("momentum must be in [0, 1), got 1.0", t -> t.momentum(1.0));
        assertRefused("weightDecay must be >= 0 and finite, got -1.0E-4", t -> t.weightDecay(-1e-4));
        assertRefused("threads must be >= 1, got 0", t -> t.threads(0));
        assertRefused("loaderThreads must be >= 1, got 0", t -> t.loaderThreads(0));
        assertRefused("checkpointEvery must be >= 1, got 0", t -> t.checkpointEvery(0));
        assertRefused("evaluateEvery must be >= 1, got -5", t -> t.evaluateEvery(-5));
        assertRefused("logEvery must be >= 1, got 0", t -> t.logEvery(0));
    }

    @Test
    void dataThatDoesNotFitTheModelOrEachOtherIsRefused() {
        assertRefused("training data has 2 classes, the model resnet20 10 outputs: build it with "
                + "ModelOptions.defaults(2)", () -> Training.of(ResNets.create("resnet20"), DATA));
        assertRefused("validation data: images are 8x8, the training data's 4x4",
                t -> t.validation(ArrayDataset.redOrBlue(4, 8, 2)));
        ArrayDataset otherNames = new ArrayDataset(4, DATA.pixels(), DATA.labels(), List.of("rouge", "bleu"));
        assertRefused("validation data: classes [rouge, bleu] are not the training data's [red, blue]",
                t -> t.validation(otherNames));
        assertRefused("training data has no images", () -> Training.of(MODEL,
                new ArrayDataset(4, new byte[0], new int[0], List.of("a", "b"))));
    }

    @Test
    void runRefusesWhatItCannotDoBeforeWritingAnything() throws IOException {
        IllegalStateException noDirectory = assertThrows(IllegalStateException.class,
                () -> Training.of(MODEL, DATA).run());
        assertTrue(noDirectory.getMessage().contains("checkpointDirectory(dir)"), noDirectory.getMessage());

        Path run = dir.resolve("run");
        assertRefused("batchSize 128 is larger than the training data (12 images)",
                () -> Training.of(MODEL, DATA).checkpointDirectory(run).run());
        assertFalse(Files.exists(run), "nothing written");

        Files.createDirectories(run);
        Files.writeString(run.resolve(MetricsLog.CSV), "an earlier run");
        assertRefused(run + " holds a training run ([metrics.csv]): resume it",
                () -> Training.of(MODEL, DATA).batchSize(4).checkpointDirectory(run).run());
    }

    /** overwrite(true) starts a held run over, its files deleted only when the run has passed its checks; not with resume. */
    @Test
    void overwriteStartsAHeldRunOver() throws IOException {
        Path run = dir.resolve("held");
        Files.createDirectories(run);
        Files.writeString(run.resolve(MetricsLog.CSV), "an earlier run");
        Files.writeString(run.resolve(Trainer.WEIGHTS_FILE), "earlier weights");
        assertRefused("resume the run or overwrite it, not both", () -> Training.of(fresh(), DATA).batchSize(4)
                .iterations(1).checkpointDirectory(run).resume(true).overwrite(true).run());
        assertEquals("an earlier run", Files.readString(run.resolve(MetricsLog.CSV)));

        Training.of(fresh(), DATA).batchSize(4).iterations(1).checkpointDirectory(run).overwrite(true).run();
        assertFalse(Files.readString(run.resolve(MetricsLog.CSV)).contains("an earlier run"));
        assertFalse(Files.readString(run.resolve(Trainer.WEIGHTS_FILE), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("earlier weights"));
    }

    /**
     * A directory no file can be written into fails before the first step, naming the directory. Skipped where
     * permissions do not bind (root with the capability to override them).
     */
    @Test
    void anUnwritableDirectoryFailsBeforeTheFirstStepNamingIt() throws IOException {
        Path readOnly = dir.resolve("read-only");
        Files.createDirectories(readOnly);
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "permissions are not enforced");
            List<Long> steps = new java.util.ArrayList<>();
            java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                    () -> Training.of(fresh(), DATA).batchSize(4).iterations(1).checkpointDirectory(readOnly)
                            .listener(new TrainingListener() {
                                @Override
                                public void onStep(long iteration, double loss) {
                                    steps.add(iteration);
                                }
                            }).run());
            assertEquals(readOnly.toString(), e.getFile());
            assertTrue(e.getMessage().contains("the run directory is not writable (permission denied)"), e.getMessage());
            assertEquals(List.of(), steps, "no step taken");
        } finally {
            Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A resume that freezes other parameters than the run did would train what it held still, or the reverse. */
    @Test
    void aResumeThatFreezesOtherParametersIsRefused() throws IOException {
        Path run = dir.resolve("head-only");
        ResNet headOnly = fresh();
        headOnly.setTrainable(false);
        headOnly.setTrainable(true, "fc.weight", "fc.bias");
        Training.of(headOnly, DATA).batchSize(4).iterations(1).checkpointEvery(1).checkpointDirectory(run).run();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Training.of(fresh(), DATA)
                .batchSize(4).iterations(2).checkpointDirectory(run).resume(true).run());
        assertTrue(e.getMessage().contains("it was trained with 57 parameters (conv1.weight, bn1.weight, bn1.bias, ...) "
                + "frozen, this run freezes no parameter"), e.getMessage());

        ResNet sameFreeze = fresh();
        sameFreeze.setTrainable(false);
        sameFreeze.setTrainable(true, "fc.weight", "fc.bias");
        Training.of(sameFreeze, DATA).batchSize(4).iterations(2).checkpointDirectory(run).resume(true).run();
    }

    private static ResNet fresh() {
        return ResNets.create("resnet20", ModelOptions.defaults(2));
    }

    /** The command line's words map to the enums in one place, and bad words are refused as before. */
    @Test
    void theConfigsWordsMapToTheEnums() {
        TrainingConfig paper = TrainingConfig.paper("resnet20", dir, dir);
        assertEquals(Schedule.PAPER_STEPS, paper.scheduleKind());
        assertEquals(NormalizationKind.PER_CHANNEL, paper.normalizationKind());
        assertEquals(Schedule.COSINE, Schedule.fromKey("cosine"));
        assertEquals(NormalizationKind.PER_PIXEL_MEAN, NormalizationKind.fromKey("pixel"));
        assertRefused("training: schedule must be 'paper' or 'cosine', got 'linear'", () -> new TrainingConfig(
                "resnet20", dir, 1, 1, 2, 0.1, "linear", 0, 0.01, 0.9, 1e-4, 0, "channel", 0, 0, dir, 1, 1, 1, false));
        assertRefused("training: normalization must be 'channel' or 'pixel', got 'image'", () -> new TrainingConfig(
                "resnet20", dir, 1, 1, 2, 0.1, "paper", 0, 0.01, 0.9, 1e-4, 0, "image", 0, 0, dir, 1, 1, 1, false));
    }
}
