package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.train.TrainingFixtures.assertSameTensors;
import static org.resnet4j.train.TrainingFixtures.metadata;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.ArrayDataset;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.ImageFolder;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/**
 * The fluent trainer on data of a user's own (8x8 images in memory), on an image folder and on CIFAR-10: it learns,
 * it resumes exactly, and it is the train command's run. Tiny runs of ResNet-20: seconds each.
 */
class TrainingTest {
    @TempDir
    Path dir;

    /** ResNet-20 for two classes, initialized from {@code seed}. */
    private static ResNet twoClassModel(long seed) {
        return ResNets.create("resnet20", ModelOptions.defaults(2).withSeed(seed));
    }

    /** A fast recipe on two-class 8x8 images: batch 8, rate 0.05 with the paper's steps, frequent checkpoints. */
    private static Training small(ResNet model, Dataset train, Path run, long iterations) {
        return Training.of(model, train).iterations(iterations).batchSize(8).learningRate(0.05).seed(7)
                .checkpointEvery(4).evaluateEvery(8).logEvery(8).checkpointDirectory(run);
    }

    /** Records what the run reports to listeners. */
    private static final class Recorder implements TrainingListener {
        final List<Double> losses = new ArrayList<>();
        final List<MetricsRow> evaluations = new ArrayList<>();
        final List<Long> checkpoints = new ArrayList<>();

        @Override
        public void onStep(long iteration, double loss) {
            losses.add(loss);
        }

        @Override
        public void onEvaluation(MetricsRow row) {
            evaluations.add(row);
        }

        @Override
        public void onCheckpoint(long iteration, Path file) {
            checkpoints.add(iteration);
        }
    }

    @Test
    void aUsersInMemoryDatasetTrainsAndItsLossFalls() throws IOException {
        ArrayDataset train = ArrayDataset.redOrBlue(64, 8, 1);
        Recorder recorder = new Recorder();

        Trainer.Summary summary = small(twoClassModel(3), train, dir, 24)
                .validation(ArrayDataset.redOrBlue(16, 8, 2)).listener(recorder).run();

        assertEquals(24, summary.iterations());
        assertEquals(16, summary.validationImages());
        assertEquals(24, recorder.losses.size());
        assertEquals(List.of(8L, 16L, 24L), recorder.evaluations.stream().map(MetricsRow::iteration).toList());
        assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 24L), recorder.checkpoints);
        double first = mean(recorder.losses.subList(0, 8));
        double last = mean(recorder.losses.subList(16, 24));
        assertTrue(last < 0.5 * first, "the loss should fall: first 8 steps " + first + ", last 8 " + last);
        assertTrue(summary.validationError() < 0.25, "red or blue is easy: " + summary.validationError());

        // The weights file is all a user needs: it loads into a two-class ResNet-20 and names the classes.
        TrainedWeights weights = TrainedWeights.load(twoClassModel(99), summary.weights());
        assertEquals(NormalizationKind.PER_CHANNEL.of(train), weights.normalization());
        assertEquals("red\nblue", weights.metadata().get(FineTuner.LABELS));
        assertTrue(Files.exists(dir.resolve(MetricsLog.PNG)));
        // ... and says how it was trained: the whole recipe, the number of images, the time.
        Map<String, String> metadata = weights.metadata();
        assertEquals(Recipe.fromMetadata(metadata(Checkpoint.path(dir)), dir), Recipe.fromMetadata(metadata, dir));
        assertEquals("pad-crop-flip", metadata.get("recipe.augmentation"));
        assertEquals("64", metadata.get("training_images"));
        assertEquals("8", metadata.get(ModelWeights.IMAGE_SIZE), "8x8 images, not a CIFAR network's 32");
        assertTrue(Double.parseDouble(metadata.get("training_seconds")) >= 0, metadata.toString());
    }

    /** A run's thread count is its own: the JVM's count is the same after the run as before. */
    @Test
    void aRunsThreadCountDoesNotOutliveIt() throws IOException {
        int before = org.resnet4j.kernels.Parallel.threads();
        int asked = before == 1 ? 2 : 1;
        small(twoClassModel(3), ArrayDataset.redOrBlue(16, 8, 1), dir, 2).threads(asked).run();
        assertEquals(before, org.resnet4j.kernels.Parallel.threads());
    }

    /**
     * A resume refused for its settings changes nothing: the checkpoint used to be loaded into the caller's model (and
     * the optimizer) before the recipes were compared, so the model left the refused call holding the checkpoint's
     * weights instead of its own.
     */
    @Test
    void aRefusedResumeLeavesTheModelAsItWas() throws IOException {
        ArrayDataset train = ArrayDataset.redOrBlue(40, 8, 4);
        small(twoClassModel(3), train, dir, 4).run();

        ResNet mine = twoClassModel(5);
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        mine.namedParameters().forEach((name, p) -> before.put(name, p.value().data().clone()));
        mine.namedBuffers().forEach((name, b) -> before.put(name, b.data().clone()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small(mine, train, dir, 8).learningRate(0.1).resume(true).run());
        assertTrue(e.getMessage().contains("learning rate (--lr) saved 0.05, asked 0.1"), e.getMessage());
        mine.namedParameters().forEach((name, p) -> assertTrue(java.util.Arrays.equals(before.get(name),
                p.value().data()), name + " changed by a refused resume"));
        mine.namedBuffers().forEach((name, b) -> assertTrue(java.util.Arrays.equals(before.get(name), b.data()),
                name + " changed by a refused resume"));
    }

    /**
     * A run resumed on images of another side (train's --image-size on a folder) is refused: the size is no part of the
     * recipe, so the resume used to continue silently on inputs of another scale.
     */
    @Test
    void aResumeOnImagesOfAnotherSizeIsRefused() throws IOException {
        small(twoClassModel(3), ArrayDataset.redOrBlue(40, 8, 4), dir, 4).run();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small(twoClassModel(3), ArrayDataset.redOrBlue(40, 12, 4), dir, 8).resume(true).run());
        assertTrue(e.getMessage().contains("image size saved 8, asked 12"), e.getMessage());
        small(twoClassModel(3), ArrayDataset.redOrBlue(40, 8, 4), dir, 8).resume(true).run(); // the same size resumes
    }

    /** A fine-tuning checkpoint names its classes as its final weights do, so eval and classify of it take them. */
    @Test
    void aFineTuningCheckpointNamesItsClasses() throws IOException {
        Path data = darkOrLight(dir.resolve("images"));
        Path weights = dir.resolve("pretrained.safetensors");
        org.resnet4j.io.StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(10)), weights, Map.of());
        Path run = dir.resolve("run");
        new FineTuner(fineTuning(weights, data, run, 1, true, 0, false)).run();
        assertEquals("dark\nlight", metadata(Checkpoint.path(run)).get(FineTuner.LABELS));
        new FineTuner(fineTuning(weights, data, run, 2, true, 0, true)).run(); // and it resumes
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** A listener that stops the run at iteration 10, as a killed process would: the checkpoint of 8 stays. */
    private static final class Stop extends RuntimeException {
    }

    /**
     * Interrupted after iteration 10 (checkpoint at 8) and resumed through the fluent API, with a fresh model and
     * more loader threads: the weights, checkpoint and metrics equal the uninterrupted run's bit for bit. Per-pixel
     * mean normalization on 8x8 images, so the checkpoint carries a mean image that is not CIFAR's.
     */
    @Test
    void aResumedRunEndsBitForBitWhereAnUninterruptedOneDoes() throws IOException {
        ArrayDataset train = ArrayDataset.redOrBlue(40, 8, 4);
        ArrayDataset validation = ArrayDataset.redOrBlue(8, 8, 5);
        Path whole = dir.resolve("whole");
        small(twoClassModel(3), train, whole, 16).validation(validation)
                .normalization(NormalizationKind.PER_PIXEL_MEAN).run();

        Path parts = dir.resolve("parts");
        assertThrows(Stop.class, () -> small(twoClassModel(3), train, parts, 16).validation(validation)
                .normalization(NormalizationKind.PER_PIXEL_MEAN).listener(new TrainingListener() {
                    @Override
                    public void onStep(long iteration, double loss) {
                        if (iteration == 10) {
                            throw new Stop();
                        }
                    }
                }).run());
        assertEquals("8", metadata(Checkpoint.path(parts)).get("iteration"));
        assertFalse(Files.exists(parts.resolve(Trainer.WEIGHTS_FILE)));

        Trainer.Summary resumed = small(twoClassModel(42), train, parts, 16).validation(validation)
                .normalization(NormalizationKind.PER_PIXEL_MEAN).loaderThreads(3).resume(true).run();

        assertEquals(16, resumed.iterations());
        assertSameTensors(whole.resolve(Trainer.WEIGHTS_FILE), parts.resolve(Trainer.WEIGHTS_FILE));
        assertSameTensors(Checkpoint.path(whole), Checkpoint.path(parts));
        assertEquals(metadata(Checkpoint.path(whole)).get("normalization.mean"),
                metadata(Checkpoint.path(parts)).get("normalization.mean"), "the 3x8x8 mean image came back");
        assertEquals(withoutTiming(whole), withoutTiming(parts));
    }

    private static List<String> withoutTiming(Path run) throws IOException {
        // iteration, epoch, rate, training and validation figures; not images/s and seconds.
        return Files.readAllLines(run.resolve(MetricsLog.CSV)).stream()
                .map(line -> String.join(",", List.of(line.split(",")).subList(0, 7))).toList();
    }

    /** The train command's run (TrainingConfig) and the same run built fluently end on the same bits. */
    @Test
    void theConfigPathAndTheFluentPathGiveBitIdenticalWeights() throws IOException {
        Path data = TrainingFixtures.writeData(dir.resolve("data"));
        Path viaConfig = dir.resolve("config");
        new Trainer(TrainingFixtures.config(data, viaConfig, 12)).run();

        Cifar10Dataset all = new Cifar10Reader(TrainingFixtures.RECORDS).readTraining(data);
        TrainValidationSplit split = TrainValidationSplit.of(all, TrainingFixtures.VALIDATION, 5);
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(5));
        Path fluent = dir.resolve("fluent");
        Training.of(model, split.train()).validation(split.validation()).iterations(12)
                .batchSize(TrainingFixtures.BATCH).learningRate(TrainingFixtures.RATE).seed(5)
                .checkpointEvery(4).evaluateEvery(8).logEvery(8).checkpointDirectory(fluent).run();

        assertSameTensors(viaConfig.resolve(Trainer.WEIGHTS_FILE), fluent.resolve(Trainer.WEIGHTS_FILE));
        assertSameTensors(Checkpoint.path(viaConfig), Checkpoint.path(fluent));
        assertEquals(metadata(Checkpoint.path(viaConfig)).get("recipe.schedule"), "paper");
        // CIFAR-10's 32x32 on a CIFAR network: its family's size, so train's files record none.
        assertFalse(metadata(viaConfig.resolve(Trainer.WEIGHTS_FILE)).containsKey(ModelWeights.IMAGE_SIZE));
    }

    /** Image files, read at 8x8, through the same trainer: a smoke run that writes its weights. */
    @Test
    void anImageFolderTrainsThroughTheSameApi() throws IOException {
        Path root = darkOrLight(dir.resolve("images"));
        ImageFolder folder = ImageFolder.scan(root);
        ImageFolder.Split split = folder.split(0.2, 1);

        Trainer.Summary summary = small(twoClassModel(3), folder.dataset(split.train(), 8), dir.resolve("run"), 4)
                .validation(folder.dataset(split.validation(), 8)).loaderThreads(2).run();

        assertEquals(4, summary.iterations());
        assertEquals(4, summary.validationImages());
        assertEquals("dark\nlight", metadata(summary.weights()).get(FineTuner.LABELS));
        // 8x8 images are not a CIFAR network's 32: the weights and the checkpoint say so, so inference prepares
        // images at 8 (it took 32 before, silently).
        assertEquals("8", metadata(summary.weights()).get(ModelWeights.IMAGE_SIZE));
        assertEquals("8", metadata(Checkpoint.path(dir.resolve("run"))).get(ModelWeights.IMAGE_SIZE));
    }

    /**
     * A fine-tuning run resumed with another --freeze-backbone or --image-size is refused, as other recipe settings
     * are: neither was recorded, so a frozen-backbone run resumed without the flag silently trained its backbone too.
     */
    @Test
    void aFineTuningResumeWithOtherFreezingOrImageSizeIsRefused() throws IOException {
        Path data = darkOrLight(dir.resolve("images"));
        Path weights = dir.resolve("pretrained.safetensors");
        org.resnet4j.io.StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(10)), weights, Map.of());
        Path run = dir.resolve("run");
        new FineTuner(fineTuning(weights, data, run, 1, true, 0, false)).run();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FineTuner(fineTuning(weights, data, run, 2, false, 0, true)).run());
        assertTrue(e.getMessage().contains("frozen backbone (--freeze-backbone) saved true, asked false"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FineTuner(fineTuning(weights, data, run, 2, true, 16, true)).run());
        assertTrue(e.getMessage().contains("image size (--image-size) saved 32, asked 16"), e.getMessage());
        new FineTuner(fineTuning(weights, data, run, 2, true, 32, true)).run(); // the same settings resume
    }

    /**
     * A resumed fine-tuning run normalizes its images as the run did from its start (the checkpoint records it), not as
     * the weights file named at the resume records: the resume used to take the new file's mean and std for its inputs
     * and its final weights, silently training on other inputs than the first part of the run.
     */
    @Test
    void aResumedFineTuningKeepsTheNormalizationItStartedWith() throws IOException {
        Path data = darkOrLight(dir.resolve("images"));
        ResNet pretrained = ResNets.create("resnet20", ModelOptions.defaults(10));
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        org.resnet4j.io.StateDicts.save(pretrained, first, org.resnet4j.io.NormalizationMetadata.toMetadata(
                new org.resnet4j.data.Normalization(new float[] {0.25f, 0.5f, 0.75f}, new float[] {0.5f, 0.5f, 0.5f})));
        org.resnet4j.io.StateDicts.save(pretrained, second, org.resnet4j.io.NormalizationMetadata.toMetadata(
                new org.resnet4j.data.Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})));
        Path run = dir.resolve("run");
        new FineTuner(fineTuning(first, data, run, 1, false, 0, false)).run();
        Trainer.Summary summary = new FineTuner(fineTuning(second, data, run, 2, false, 0, true)).run();
        Map<String, String> started = metadata(Checkpoint.path(run));
        assertEquals(metadata(first).get(org.resnet4j.data.Normalization.MEAN_KEY),
                metadata(summary.weights()).get(org.resnet4j.data.Normalization.MEAN_KEY));
        assertEquals(started.get(org.resnet4j.data.Normalization.STD_KEY),
                metadata(summary.weights()).get(org.resnet4j.data.Normalization.STD_KEY));
    }

    private static FineTuning fineTuning(Path weights, Path data, Path run, int epochs, boolean freeze, int size,
                                         boolean resume) {
        return new FineTuning("resnet20", weights, data, epochs, 4, 0.01, size, freeze, 0.2, 0L, run, resume, 0);
    }

    /** Twenty 10x12 PNG files in two classes, dark and light. */
    private static Path darkOrLight(Path root) throws IOException {
        SplittableRandom random = new SplittableRandom(6);
        for (String label : new String[] {"dark", "light"}) {
            Files.createDirectories(root.resolve(label));
            for (int i = 0; i < 10; i++) {
                BufferedImage image = new BufferedImage(10, 12, BufferedImage.TYPE_INT_RGB);
                int base = label.equals("dark") ? 30 : 190;
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 10; x++) {
                        int v = base + random.nextInt(40);
                        image.setRGB(x, y, v << 16 | v << 8 | v);
                    }
                }
                ImageIO.write(image, "png", root.resolve(label).resolve(i + ".png").toFile());
            }
        }
        return root;
    }
}
