package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.FineTuner;
import org.resnet4j.train.FineTuning;
import org.resnet4j.train.TrainingListener;

/** {@code finetune} on a small image folder: the new head's classes, frozen backbones, and resume to the bit. */
class FinetuneCommandTest {
    @TempDir
    Path dir;
    private Path data;
    private Path weights;

    @BeforeEach
    void writeFolderAndWeights() throws IOException {
        data = dir.resolve("pets");
        SplittableRandom random = new SplittableRandom(3);
        String[] classes = {"cat", "dog", "fish"};
        for (int c = 0; c < classes.length; c++) {
            Files.createDirectories(data.resolve(classes[c]));
            for (int i = 0; i < 10; i++) {
                BufferedImage image = new BufferedImage(36 + i, 34, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < image.getHeight(); y++) {
                    for (int x = 0; x < image.getWidth(); x++) {
                        int base = 0x40 << (8 * c); // each class leans to one colour
                        image.setRGB(x, y, base + random.nextInt(0x40) * 0x010101);
                    }
                }
                ImageIO.write(image, "png", data.resolve(classes[c]).resolve(i + ".png").toFile());
            }
        }
        ResNet pretrained = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1));
        weights = dir.resolve("pretrained.safetensors");
        StateDicts.save(pretrained, weights, Map.of("model", "resnet20", Normalization.MEAN_KEY, "0.49,0.48,0.45",
                Normalization.STD_KEY, "0.25,0.24,0.26"));
    }

    private String[] args(Path run, String... extra) {
        java.util.List<String> list = new java.util.ArrayList<>(java.util.List.of("finetune", "--model", "resnet20",
                "--weights", weights.toString(), "--data", data.toString(), "--classes-from-folders", "--epochs", "2",
                "--batch", "4", "--val-fraction", "0.2", "--checkpoint-dir", run.toString()));
        list.addAll(java.util.List.of(extra));
        return list.toArray(String[]::new);
    }

    /**
     * Bottleneck weights trained with the paper's stride on the first 1x1 record it, and fine-tune as they were built:
     * finetune built torchvision's layout whatever the file said, and the load refused them with advice (an option)
     * finetune does not take. The fine-tuned weights record the placement in turn.
     */
    @Test
    void paperBottleneckWeightsFineTuneAsTheyWereBuilt() throws IOException {
        ResNet v1 = ResNets.create("resnet50", new ModelOptions(10, null, true, false, 4));
        Path paper = dir.resolve("resnet50-v1.safetensors");
        StateDicts.save(v1, paper, Map.of("model", "resnet50", "bottleneck_stride", "1x1", Normalization.MEAN_KEY,
                "0.49,0.48,0.45", Normalization.STD_KEY, "0.25,0.24,0.26"));
        Path run = dir.resolve("v1-run");
        Cli.run("finetune", "--model", "resnet50", "--weights", paper.toString(), "--data", data.toString(),
                "--classes-from-folders", "--epochs", "1", "--batch", "8", "--val-fraction", "0.2", "--image-size",
                "32", "--freeze-backbone", "--checkpoint-dir", run.toString()).assertSuccess();
        assertEquals("1x1", SafeTensors.read(run.resolve("model.safetensors")).metadataValue("bottleneck_stride"));
    }

    @Test
    void finetunedWeightsNameTheFoldersClassesAndLoadWithThem() throws IOException {
        Path run = dir.resolve("run");
        Cli result = Cli.run(args(run)).assertSuccess();

        assertTrue(result.lastLine().matches("weights=\\S+ iterations=12 val_error=\\d+\\.\\d+% seconds=\\d+"),
                result.lastLine());
        SafeTensorsFile file = SafeTensors.read(run.resolve("model.safetensors"));
        assertEquals("cat\ndog\nfish", file.metadataValue(FineTuner.LABELS));
        assertEquals("32", file.metadataValue(ModelWeights.IMAGE_SIZE), "so that inference prepares images as trained");
        assertEquals("32", SafeTensors.read(run.resolve("checkpoint.safetensors")).metadataValue(ModelWeights.IMAGE_SIZE),
                "the checkpoint too, under the same key");
        assertArrayEquals(new long[] {3, 64}, file.tensor("fc.weight").shape());
        StateDicts.load(ResNets.create("resnet20", ModelOptions.defaults(3)), run.resolve("model.safetensors"));
        // classify needs nothing but the weights: their network, class count, names and image size.
        Cli classified = Cli.run("classify", "--weights", run.resolve("model.safetensors").toString(), "--image",
                data.resolve("dog").resolve("0.png").toString()).assertSuccess();
        assertEquals(3, classified.outLines().stream().filter(l -> l.matches(".* label=(cat|dog|fish)")).count(),
                classified.out());
    }

    /** Stopped after its first epoch's checkpoint and resumed, a run ends on the uninterrupted run's bits. */
    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path whole = dir.resolve("whole");
        Cli.run(args(whole)).assertSuccess();
        Path stopped = dir.resolve("stopped");
        FineTuning config = new FineTuning("resnet20", weights, data, 2, 4, 0.01, 0, false, 0.2, 0L, stopped, false, 0);
        FineTuner tuner = new FineTuner(config).addListener(new TrainingListener() {
            @Override
            public void onCheckpoint(long iteration, Path file) {
                throw new IllegalStateException("stopped at " + iteration);
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, tuner::run);
        assertEquals("stopped at 6", e.getMessage());

        Cli.run(args(stopped, "--resume")).assertSuccess();

        SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
        SafeTensorsFile b = SafeTensors.read(stopped.resolve("model.safetensors"));
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.tensor(name).data(), b.tensor(name).data(), name);
        }
    }

    /** A resume on a folder whose files were replaced, in the same numbers, is refused (as train's is). */
    @Test
    void aResumeOnReplacedImagesIsRefused() throws IOException {
        Path run = dir.resolve("replaced");
        Cli.run(args(run)).assertSuccess();
        Cli.run(args(run, "--resume")).assertSuccess();

        for (int i = 0; i < 10; i++) { // every cat, so that training images are among them whatever the split
            ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png",
                    data.resolve("cat").resolve(i + ".png").toFile());
        }
        Cli.run(args(run, "--resume")).assertFailure(2, "the training images are not the ones it trained on");
    }

    /** ResNet-20 weights as train writes them on CIFAR-10, recording {@code imageSize} as their image size. */
    private Path weightsRecordingImageSize(String name, String imageSize) throws IOException {
        Path weights = dir.resolve(name);
        StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1)), weights, Map.of("model",
                "resnet20", Normalization.MEAN_KEY, "0.49,0.48,0.45", Normalization.STD_KEY, "0.25,0.24,0.26",
                "image_size", imageSize));
        return weights;
    }

    /**
     * What runs out of memory is announced at the size the run trains at: weights fine-tuned at 48 record it and train
     * on at 48, so the out-of-memory line names 48x48 images, not the family's 32.
     */
    @Test
    void theAnnouncedWorkloadHasTheSizeTheWeightsRecord() throws Exception {
        Path at48 = weightsRecordingImageSize("at48.safetensors", "48");
        String[] argv = {"finetune", "--weights", at48.toString(), "--data", data.toString(), "--classes-from-folders",
                "--batch", "64", "--checkpoint-dir", dir.resolve("big").toString()};
        Workload.takeAnnounced();
        UsageException refused = assertThrows(UsageException.class, () -> FinetuneCommand.run(argv, System.out));
        assertTrue(refused.getMessage().contains("no full batch of 64"), refused.getMessage());
        Workload announced = Workload.takeAnnounced();
        assertEquals(48, announced.imageSize());
        assertEquals(64, announced.batch());
    }

    @Test
    void aDamagedImageSizeRecordIsRefusedNamingTheFile() throws Exception {
        Path damaged = weightsRecordingImageSize("damaged.safetensors", "large");
        String[] argv = {"finetune", "--weights", damaged.toString(), "--data", data.toString(),
                "--classes-from-folders", "--checkpoint-dir", dir.resolve("never").toString()};
        Workload.takeAnnounced();

        UsageException refused = assertThrows(UsageException.class, () -> FinetuneCommand.run(argv, System.out));

        assertEquals(damaged + ": metadata 'image_size' must be a positive whole number of pixels, got 'large'",
                refused.getMessage());
        // Refused as the size is read, before the workload is announced at a size guessed past the damage.
        assertNull(Workload.takeAnnounced());
        assertFalse(Files.exists(dir.resolve("never").resolve("model.safetensors")));
    }

    /** A run fine-tuned on the stored pixels (--exif ignore) resumes only so: the fingerprint records the choice. */
    @Test
    void aResumeThatDecodesOtherwiseIsRefused() throws IOException {
        Path run = dir.resolve("stored");
        Cli.run(args(run, "--exif", "ignore")).assertSuccess();
        assertEquals("ignore", SafeTensors.read(run.resolve("model.safetensors")).metadata().get("exif_orientation"),
                "the weights record how their images were read");
        Cli.run(args(run, "--resume")).assertFailure(2, "or are decoded otherwise (EXIF orientation applied or not)");
        Cli.run(args(run, "--resume", "--exif", "ignore")).assertSuccess();
        Cli.run(args(dir.resolve("bad"), "--exif", "Upright"))
                .assertFailure(2, "finetune: --exif must be apply or ignore, got 'upright'");
    }

    @Test
    void aFrozenBackboneKeepsThePretrainedWeights() throws IOException {
        Path run = dir.resolve("frozen");
        Cli.run(args(run, "--freeze-backbone")).assertSuccess();

        SafeTensorsFile tuned = SafeTensors.read(run.resolve("model.safetensors"));
        SafeTensorsFile base = SafeTensors.read(weights);
        assertArrayEquals(base.tensor("layer2.0.conv1.weight").data(), tuned.tensor("layer2.0.conv1.weight").data());
        assertTrue(!java.util.Arrays.equals(base.tensor("fc.bias").data(), tuned.tensor("fc.bias").data()));
    }

    /**
     * Weights trained with the paper's per-pixel mean image (the shipped CIFAR models) fine-tune on images of that
     * size, normalized with it, and pass it on; at another image size they are refused, naming both sizes.
     */
    @Test
    void aPerPixelMeanImageFineTunesAtItsOwnSize() throws IOException {
        float[] meanImage = new float[3 * 32 * 32];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < meanImage.length; i++) {
            meanImage[i] = 0.4f + 0.2f * (float) random.nextDouble();
        }
        Normalization perPixel = new Normalization(meanImage, new float[] {1, 1, 1});
        Map<String, String> metadata = new java.util.LinkedHashMap<>(NormalizationMetadata.toMetadata(perPixel));
        metadata.put("model", "resnet20");
        StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1)), weights, metadata);

        Path run = dir.resolve("pixel");
        Cli.run(args(run)).assertSuccess();
        assertEquals(perPixel, NormalizationMetadata.fromMetadata(
                SafeTensors.read(run.resolve("model.safetensors")).metadata(), "tuned"));

        Cli.run(args(dir.resolve("pixel40"), "--image-size", "40"))
                .assertFailure(2, "per-pixel mean image of 32x32 (the paper's CIFAR input), which fits images of that "
                        + "size only, not --image-size 40");
        // Refused so over the earlier run, --overwrite leaves it whole: it is cleared only once all is checked.
        byte[] tuned = Files.readAllBytes(run.resolve("model.safetensors"));
        Cli.run(args(run, "--image-size", "40", "--overwrite")).assertFailure(2, "not --image-size 40");
        assertArrayEquals(tuned, Files.readAllBytes(run.resolve("model.safetensors")));
    }

    /**
     * Weights that are a file of the run directory itself are refused with --overwrite, which would delete them: the
     * default --checkpoint-dir, runs/resnet20-finetune, holds the model.safetensors one would fine-tune again.
     */
    @Test
    void overwritingTheRunThatHoldsTheWeightsIsRefused() throws IOException {
        Path run = dir.resolve("own");
        Cli.run(args(run)).assertSuccess();
        Path own = run.resolve("model.safetensors");
        byte[] tuned = Files.readAllBytes(own);

        Cli.run("finetune", "--weights", own.toString(), "--data", data.toString(), "--classes-from-folders",
                "--epochs", "1", "--batch", "4", "--checkpoint-dir", run.toString(), "--overwrite")
                .assertFailure(2, own + " is a file of the run in " + run + ", which starting that run over would "
                        + "delete");
        // The same file by another path (the directory given with a trailing "/." here).
        Cli.run("finetune", "--weights", run.resolve(".").resolve("checkpoint.safetensors").toString(), "--data",
                data.toString(), "--classes-from-folders", "--epochs", "1", "--batch", "4", "--checkpoint-dir",
                run.toString(), "--overwrite").assertFailure(2, "is a file of the run in " + run);
        assertArrayEquals(tuned, Files.readAllBytes(own));
        assertTrue(Files.exists(run.resolve("checkpoint.safetensors")) && Files.exists(run.resolve("metrics.csv")));
    }

    /**
     * Fine-tuning a fine-tuned network again: its 3-class head loads (the pretrained network is built as the file has
     * it; the default 10 classes refused it), the size it was tuned at is the default, not the family's 32, and the
     * network is the one the file names.
     */
    @Test
    void aFineTunedNetworkFineTunesAgainAtItsSize() throws IOException {
        Path first = dir.resolve("first");
        Cli.run(args(first, "--image-size", "40")).assertSuccess();
        Path second = dir.resolve("second");
        // No --model either: the weights name their network.
        Cli.run("finetune", "--weights", first.resolve("model.safetensors").toString(),
                "--data", data.toString(), "--classes-from-folders", "--epochs", "1", "--batch", "4",
                "--val-fraction", "0.2", "--checkpoint-dir", second.toString()).assertSuccess();
        assertEquals("40", SafeTensors.read(second.resolve("model.safetensors")).metadataValue(ModelWeights.IMAGE_SIZE));
        assertEquals("resnet20", SafeTensors.read(second.resolve("model.safetensors")).metadataValue("model"));

        Path anonymous = dir.resolve("anonymous.safetensors");
        StateDicts.save(ResNets.create("resnet20"), anonymous, Map.of());
        Cli.run("finetune", "--weights", anonymous.toString(), "--data", data.toString(), "--classes-from-folders")
                .assertFailure(2, anonymous + " does not name its network (a converted torchvision file): give --model");
    }

    @Test
    void withoutClassesFromFoldersItSaysWhy() {
        Cli.run("finetune", "--model", "resnet20", "--weights", weights.toString(), "--data", data.toString())
                .assertFailure(2, "say so with --classes-from-folders");
    }
}
