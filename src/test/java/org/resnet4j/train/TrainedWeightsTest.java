package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;

/** What a run's files say about the validation split that {@code eval --split val|train} evaluates. */
class TrainedWeightsTest {
    @TempDir
    Path dir;

    /** {@code n} random 32x32 images of the ten classes, in memory. */
    private static Cifar10Dataset images(int n) {
        SplittableRandom random = new SplittableRandom(11);
        byte[] pixels = new byte[n * Cifar10Dataset.IMAGE_BYTES];
        byte[] labels = new byte[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % Cifar10Dataset.CLASSES);
        }
        return new Cifar10Dataset(pixels, labels, List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                "horse", "ship", "truck"));
    }

    /**
     * A run of the fluent API given its validation images by its caller, split with another seed than the run's: its
     * checkpoint records no split, so evaluating "its validation images" must be refused. The split was recomputed
     * from the recipe's seed, which is the data order's, and silently gave other images, most of them trained on.
     */
    @Test
    void aCheckpointOfARunGivenItsValidationImagesDoesNotClaimASplit() throws IOException {
        Cifar10Dataset all = images(40);
        TrainValidationSplit split = TrainValidationSplit.of(all, 8, 5);
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1));
        Training.of(model, split.train()).validation(split.validation()).seed(0).iterations(2).batchSize(8)
                .checkpointDirectory(dir).run();

        TrainValidationSplit recomputed = TrainValidationSplit.of(all, 8, 0);
        assertTrue(!java.util.Arrays.equals(split.validationIndices(), recomputed.validationIndices()),
                "the run's split and the one its data seed would give differ");
        for (Path file : List.of(Checkpoint.path(dir), dir.resolve(Trainer.WEIGHTS_FILE))) {
            TrainedWeights trained = TrainedWeights.load(ResNets.create("resnet20", ModelOptions.defaults(10)), file);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trained.split(all),
                    file + " does not know which images the run held out");
            assertTrue(e.getMessage().contains("does not record the validation split"), e.getMessage());
        }
    }

    /**
     * A fine-tuning checkpoint on a folder of CIFAR-10's 50,000 images records a recipe (seed, validation size) but no
     * split: the split recomputed from them over CIFAR-10's batches passed every check and named images the run
     * trained on. Refused.
     */
    @Test
    void aFineTuningCheckpointDoesNotClaimASplitOfCifarsBatches() throws IOException {
        Cifar10Dataset all = images(40);
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1));
        Checkpoint.State state = new Checkpoint.State(2, new LoaderState(0, 0, 2, 8, 32),
                new Normalization(new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f}), 1, 1, 8, 1,
                new Recipe(0, 8, 0.01, Schedule.COSINE, 0, 0, 0.9, 1e-4, 8, NormalizationKind.PER_CHANNEL, null, 4));
        Checkpoint.write(dir, "resnet20", model, new Sgd(model.namedParameters(), 0.9, 1e-4), state,
                Map.of(FineTuner.FREEZE_BACKBONE, "false"));

        TrainedWeights trained = TrainedWeights.load(ResNets.create("resnet20", ModelOptions.defaults(10)),
                Checkpoint.path(dir));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trained.split(all));
        assertTrue(e.getMessage().contains("a fine-tuning run's file: it held its validation images out of its image "
                + "folder"), e.getMessage());
    }

    /** The train command's checkpoints and final weights name the split it held out, the same for both. */
    @Test
    void theTrainCommandsCheckpointAndWeightsGiveItsSplit() throws IOException {
        Cifar10Dataset all = images(40);
        TrainingConfig config = new TrainingConfig("resnet20", dir, 8, 2, 8, 0.1, "paper", 0, 0.01, 0.9, 1e-4, 8,
                "channel", 3, 0, dir, 1, 1, 1, false);
        TrainValidationSplit split = TrainValidationSplit.of(all, config.validationSize(), config.seed());
        new Trainer(config).training(split, ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(3))).run();

        for (Path file : List.of(Checkpoint.path(dir), dir.resolve(Trainer.WEIGHTS_FILE))) {
            TrainValidationSplit read = TrainedWeights.load(ResNets.create("resnet20", ModelOptions.defaults(10)), file)
                    .split(all);
            assertArrayEquals(split.validationIndices(), read.validationIndices(), file.toString());
            assertArrayEquals(split.trainIndices(), read.trainIndices(), file.toString());
        }
    }

    /**
     * Weights of a run on 5 x 24 records with 24 held out, evaluated on 5 x 48 records: the split was recomputed over
     * 240 images and eval printed figures for 24 images chosen from them, possibly trained on, without a word. Both
     * the final weights (training_images) and the checkpoint (its loader's dataset size) now refuse other data, naming
     * both counts; the run's own data still gives its split.
     */
    @Test
    void dataOfAnotherSizeThanTheRunSplitIsRefused() throws IOException {
        Path small = dir.resolve("d24");
        Path large = dir.resolve("d48");
        Cifar10Fixtures.writeLearnableDirectory(small, 24, 1);
        Cifar10Fixtures.writeLearnableDirectory(large, 48, 1);
        Path run = dir.resolve("run");
        TrainingConfig config = new TrainingConfig("resnet20", small, 24, 2, 8, 0.1, "paper", 0, 0.01, 0.9, 1e-4, 24,
                "channel", 3, 0, run, 1, 1, 1, false);
        new Trainer(config).run();
        Cifar10Dataset own = new Cifar10Reader(24).readTraining(small);
        Cifar10Dataset other = new Cifar10Reader(48).readTraining(large);

        for (Path file : List.of(Checkpoint.path(run), run.resolve(Trainer.WEIGHTS_FILE))) {
            TrainedWeights trained = TrainedWeights.load(ResNets.create("resnet20", ModelOptions.defaults(10)), file);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trained.split(other),
                    file.toString());
            assertTrue(e.getMessage().contains("trained on 96 images and held out 24 (120 in all)"), e.getMessage());
            assertTrue(e.getMessage().contains("has 240 training images"), e.getMessage());

            TrainValidationSplit split = trained.split(own);
            assertArrayEquals(TrainValidationSplit.of(own, 24, 3).validationIndices(), split.validationIndices(),
                    file.toString());
        }
    }
}
