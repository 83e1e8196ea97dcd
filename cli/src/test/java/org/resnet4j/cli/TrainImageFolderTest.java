package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;

/**
 * {@code train} on an image folder: a network of the folder's classes trained from scratch at {@code --image-size},
 * whose weights name the classes and the size, so that {@code classify} and {@code eval} take them with nothing else.
 */
class TrainImageFolderTest {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void writeFolder() throws IOException {
        data = dir.resolve("shades");
        SplittableRandom random = new SplittableRandom(5);
        String[] classes = {"dark", "light", "mid"};
        for (int c = 0; c < classes.length; c++) {
            Files.createDirectories(data.resolve(classes[c]));
            for (int i = 0; i < 8; i++) {
                BufferedImage image = new BufferedImage(20 + i, 18, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < image.getHeight(); y++) {
                    for (int x = 0; x < image.getWidth(); x++) {
                        int v = 40 + 80 * c + random.nextInt(30);
                        image.setRGB(x, y, v * 0x010101);
                    }
                }
                ImageIO.write(image, "png", data.resolve(classes[c]).resolve(i + ".png").toFile());
            }
        }
    }

    /**
     * Values too large for the code behind them are refused by name: 40000 threads made a thread pool throw without a
     * message ("unexpected UsageException"), a 30000-pixel side overflowed the bytes of one image
     * ("unexpected NegativeArraySizeException").
     */
    @Test
    void hugeThreadCountsAndImageSizesAreRefusedByName() {
        Path run = dir.resolve("huge");
        Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--image-size", "16", "--iterations", "1",
                "--batch", "4", "--threads", "40000", "--checkpoint-dir", run.toString())
                .assertFailure(2, "train: --threads must be at most 4096, got 40000");
        Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--image-size", "30000", "--iterations",
                "1", "--batch", "4", "--checkpoint-dir", run.toString())
                .assertFailure(2, "train: --image-size must be at most 4096, got 30000");
        Cli.run("eval", "--weights", "w.safetensors", "--data", data.toString(), "--threads", "40000")
                .assertFailure(2, "eval: --threads must be at most 4096, got 40000");
        Cli.run("summary", "--model", "resnet18", "--image-size", "30000")
                .assertFailure(2, "summary: --image-size must be at most 4096, got 30000");
        assertTrue(!Files.exists(run), "nothing written");
    }

    @Test
    void aFolderTrainsFromScratchAndItsWeightsNeedNothingElse() throws IOException {
        Path run = dir.resolve("run");
        Cli result = Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--image-size", "16",
                "--iterations", "4", "--batch", "4", "--val-fraction", "0.25", "--checkpoint-dir", run.toString(),
                "--checkpoint-every", "2", "--eval-every", "2").assertSuccess();
        assertTrue(result.lastLine().matches("weights=\\S+ iterations=4 val_error=\\d+\\.\\d\\d% seconds=\\d+"),
                result.out());
        Map<String, String> metadata = SafeTensors.read(run.resolve("model.safetensors")).metadata();
        assertEquals("dark\nlight\nmid", metadata.get(ModelWeights.LABELS));
        assertEquals("16", metadata.get(ModelWeights.IMAGE_SIZE));
        assertEquals("6", metadata.get("recipe.validation_size"), "2 of each class's 8 held out");

        Cli classified = Cli.run("classify", "--weights", run.resolve("model.safetensors").toString(), "--image",
                data.resolve("mid").resolve("0.png").toString()).assertSuccess();
        assertEquals(3, classified.outLines().stream().filter(l -> l.matches(".* label=(dark|light|mid)")).count(),
                classified.out());
        Cli evaluated = Cli.run("eval", "--weights", run.resolve("model.safetensors").toString(), "--data",
                data.toString()).assertSuccess();
        assertTrue(evaluated.lastLine().matches("accuracy=[01]\\.\\d{4} error=\\d+\\.\\d{2} images=24"),
                evaluated.out());
    }

    /**
     * An ImageNet network trained on a folder saw each image's shorter side resized to --image-size and center-cropped
     * to it; inference must prepare images so too, not at torchvision's 256/224 of the side (a tighter crop, other
     * scale than training and its validation saw).
     */
    @Test
    void anImageNetNetworkTrainedOnAFolderIsFedImagesAsItWasTrained() throws IOException {
        Path run = dir.resolve("run18");
        Cli.run("train", "--model", "resnet18", "--data", data.toString(), "--image-size", "16", "--iterations", "1",
                "--batch", "4", "--val-fraction", "0", "--checkpoint-dir", run.toString()).assertSuccess();
        Path weights = run.resolve("model.safetensors");
        org.resnet4j.io.SafeTensorsFile file = org.resnet4j.io.WeightFiles.read(weights);
        org.resnet4j.models.ResNet model = ModelArguments.parse(Arguments.parse("classify", new String[0], 0,
                java.util.Set.of()), "resnet50").buildFor(file, weights);
        ModelWeights trained = ModelWeights.load(model, weights, file);
        ImageCrop crop = new ImageCrop.Options(java.util.OptionalInt.empty(), java.util.OptionalInt.empty())
                .resolve("classify", model, trained);
        assertEquals(new ImageCrop(16, 16), crop, "as train prepared the folder's images");
    }

    /**
     * A run's checkpoint names its classes as its final weights do: eval of a test folder of some of the classes
     * against a checkpoint took the default names ("0", "1", ... or CIFAR-10's) and labelled the folders by those.
     */
    @Test
    void aCheckpointNamesItsClassesAsTheFinalWeightsDo() throws IOException {
        Path run = dir.resolve("run");
        Cli.run("train", "--model", "resnet20", "--data", data.toString(), "--image-size", "16", "--iterations", "2",
                "--batch", "4", "--val-fraction", "0", "--checkpoint-dir", run.toString(), "--checkpoint-every", "2")
                .assertSuccess();
        Map<String, String> checkpoint = SafeTensors.read(run.resolve("checkpoint.safetensors")).metadata();
        assertEquals("dark\nlight\nmid", checkpoint.get(ModelWeights.LABELS));
    }

    /**
     * One image a class and half held out: each class keeps its one image to train on (the split never holds out a
     * whole class), so the run trains on both classes and validates on none, rather than failing with no images.
     */
    @Test
    void oneImageAClassTrainsOnEveryClass() throws IOException {
        Path tiny = dir.resolve("tiny");
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(tiny.resolve(c));
            Files.copy(data.resolve("dark").resolve("0.png"), tiny.resolve(c).resolve("0.png"));
        }
        Cli result = Cli.run("train", "--data", tiny.toString(), "--val-fraction", "0.5", "--iterations", "1",
                "--batch", "2", "--checkpoint-dir", dir.resolve("run").toString()).assertSuccess();
        assertTrue(result.lastLine().matches("weights=\\S+ iterations=1 train_error=\\d+\\.\\d\\d% seconds=\\d+"),
                result.out());
    }

    /**
     * A run whose images were turned upright by their EXIF orientation does not resume on the stored pixels (--exif
     * ignore), nor the other way round: the run would go on over other inputs.
     */
    @Test
    void aResumeThatDecodesOtherwiseIsRefused() {
        Path run = dir.resolve("upright");
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "2", "--batch", "4",
                "--checkpoint-dir", run.toString(), "--checkpoint-every", "2").assertSuccess();
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "3", "--batch", "4",
                "--checkpoint-dir", run.toString(), "--checkpoint-every", "2", "--resume", "--exif", "ignore")
                .assertFailure(2, "or are decoded otherwise (EXIF orientation applied or not)");
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "3", "--batch", "4",
                "--checkpoint-dir", run.toString(), "--checkpoint-every", "2", "--resume", "--exif", "apply")
                .assertSuccess();
    }

    /**
     * Weights trained on images read with --exif ignore record it, and classify then reads images so by default (as
     * it takes their recorded size): a sideways JPEG gets the logits of --exif ignore, not of a viewer's upright image.
     * Weights trained by default record nothing, as before.
     */
    @Test
    void weightsRecordIgnoredExifAndClassifyReadsImagesSoByDefault() throws IOException {
        Path stored = dir.resolve("stored");
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "2", "--batch", "4",
                "--checkpoint-dir", stored.toString(), "--exif", "ignore").assertSuccess();
        Path weights = stored.resolve("model.safetensors");
        assertEquals("ignore", SafeTensors.read(weights).metadata().get("exif_orientation"));
        assertEquals("ignore", SafeTensors.read(stored.resolve("checkpoint.safetensors")).metadata()
                .get("exif_orientation"));
        Path upright = dir.resolve("upright");
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "2", "--batch", "4",
                "--checkpoint-dir", upright.toString()).assertSuccess();
        assertEquals(null, SafeTensors.read(upright.resolve("model.safetensors")).metadata().get("exif_orientation"));

        Path sideways = Path.of("src", "test", "resources", "fixtures", "images", "exif6.jpg");
        float[] byDefault = logits(weights, sideways);
        assertArrayEquals(logits(weights, sideways, "--exif", "ignore"), byDefault);
        assertFalse(Arrays.equals(logits(weights, sideways, "--exif", "apply"), byDefault), "the option wins");
    }

    private float[] logits(Path weights, Path image, String... options) throws IOException {
        Path out = dir.resolve("logits-" + String.join("", options).replace("-", "") + ".safetensors");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("classify", "--weights",
                weights.toString(), "--image", image.toString(), "--output", out.toString()));
        args.addAll(java.util.List.of(options));
        Cli.run(args.toArray(String[]::new)).assertSuccess();
        return SafeTensors.read(out).floats("logits");
    }

    /**
     * A resume on the same folder continues; on a folder whose files were replaced, in the same numbers, it is refused
     * (it continued on the checkpoint's normalization and position over other images).
     */
    @Test
    void aResumeOnReplacedImagesIsRefused() throws IOException {
        Path run = dir.resolve("run");
        String[] first = {"train", "--data", data.toString(), "--image-size", "16", "--iterations", "2", "--batch",
                "4", "--checkpoint-dir", run.toString(), "--checkpoint-every", "2"};
        Cli.run(first).assertSuccess();
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "3", "--batch", "4",
                "--checkpoint-dir", run.toString(), "--checkpoint-every", "2", "--resume").assertSuccess();

        Path replaced = data.resolve("mid").resolve("3.png");
        ImageIO.write(new BufferedImage(25, 25, BufferedImage.TYPE_INT_RGB), "png", replaced.toFile());
        Cli.run("train", "--data", data.toString(), "--image-size", "16", "--iterations", "4", "--batch", "4",
                "--checkpoint-dir", run.toString(), "--checkpoint-every", "2", "--resume")
                .assertFailure(2, "the training images are not the ones it trained on");
    }

    @Test
    void optionsOfTheOtherKindOfDataAreRefused() throws IOException {
        Cli.run("train", "--data", data.toString(), "--val-size", "5")
                .assertFailure(2, "--val-size is for CIFAR-10 files; " + data + " is an image folder (hold images out "
                        + "with --val-fraction)");
        Cli.run("train", "--data", data.toString(), "--val-fraction", "1")
                .assertFailure(2, "--val-fraction must be in [0, 1), got 1.0");
        Path cifar = dir.resolve("cifar");
        Cifar10Fixtures.writeLearnableDirectory(cifar, 24, 1);
        Cli.run("train", "--data", cifar.toString(), "--records-per-file", "24", "--image-size", "64")
                .assertFailure(2, "--image-size is for an image folder; " + cifar + " is CIFAR-10 data");
        Cli.run("train", "--data", cifar.toString(), "--records-per-file", "24", "--exif", "ignore")
                .assertFailure(2, "--exif is for an image folder; " + cifar + " is CIFAR-10 data");
        Cli.run("train", "--data", data.toString(), "--exif", "rotate")
                .assertFailure(2, "train: --exif must be apply or ignore, got 'rotate'");
    }
}
