package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/**
 * {@code eval} of an image folder: the test images of a crafted CIFAR-10 directory written as PNG files under their
 * class names score exactly as the binary test batch does; a folder of some classes takes the network's labels by
 * name; options that belong to the other kind of data are refused.
 */
class EvalImageFolderTest {
    private static final String SHIPPED = Path.of("models", "resnet20-cifar10.safetensors").toString();

    @TempDir
    Path dir;
    private Path cifar;
    private Cifar10Dataset test;

    @BeforeEach
    void writeData() throws IOException {
        cifar = dir.resolve("cifar");
        Cifar10Fixtures.writeLearnableDirectory(cifar, 24, 2);
        test = new Cifar10Reader(24).readTest(cifar);
    }

    /** Writes test images {@code from..to-1} as PNGs into {@code root/<class name>/<index>.png}. */
    private Path folder(String name, List<String> onlyClasses) throws IOException {
        Path root = dir.resolve(name);
        byte[] chw = new byte[Cifar10Dataset.IMAGE_BYTES];
        for (int i = 0; i < test.size(); i++) {
            String className = test.classNames().get(test.label(i));
            if (onlyClasses != null && !onlyClasses.contains(className)) {
                continue;
            }
            test.readImage(i, chw, 0);
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < Cifar10Dataset.PLANE; p++) {
                int r = chw[p] & 0xFF;
                int g = chw[Cifar10Dataset.PLANE + p] & 0xFF;
                int b = chw[2 * Cifar10Dataset.PLANE + p] & 0xFF;
                image.setRGB(p % 32, p / 32, (r << 16) | (g << 8) | b);
            }
            Path file = root.resolve(className).resolve(i + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        }
        return root;
    }

    @Test
    void aFolderOfTheTestImagesScoresAsTheTestBatch() throws IOException {
        Cli binary = Cli.run("eval", "--weights", SHIPPED, "--data", cifar.toString(), "--records-per-file", "24")
                .assertSuccess();
        Cli images = Cli.run("eval", "--weights", SHIPPED, "--data", folder("all", null).toString()).assertSuccess();

        assertTrue(images.lastLine().matches("accuracy=[01]\\.\\d{4} error=\\d+\\.\\d{2} images=24"), images.out());
        assertEquals(binary.lastLine(), images.lastLine());
    }

    /**
     * Two of the ten classes: their images keep the network's labels (cat 3, dog 5). Numbered as the folders present
     * (torchvision's ImageFolder: cat 0, dog 1) they would be scored against airplane and automobile.
     */
    @Test
    void aFolderOfSomeClassesIsLabelledByName() throws IOException {
        Path some = folder("some", List.of("cat", "dog"));
        Cli result = Cli.run("eval", "--weights", SHIPPED, "--data", some.toString()).assertSuccess();
        // The crafted fixture labels image i as class i % 10: 24 images hold 3 cats (3, 13, 23) and 2 dogs (5, 15).
        assertTrue(result.lastLine().endsWith(" images=5"), result.out());

        Files.createDirectories(some.resolve("zebra"));
        Files.copy(some.resolve("cat").resolve("3.png"), some.resolve("zebra").resolve("1.png"));
        Cli.run("eval", "--weights", SHIPPED, "--data", some.toString())
                .assertFailure(1, some + ": class folder zebra is not among the network's 10 classes (airplane, "
                        + "automobile, bird, cat, deer, dog, frog, horse, ship, truck)");
    }

    /**
     * Folders named by class index ("3" for cat, "5" for dog) score as the named ones: folder i is class i, by number.
     * The sorted order torchvision's ImageFolder numbers them by puts "10" before "2", so ImageNetV2's folders 0..999
     * scored against the wrong classes; with recorded names, index folders were refused.
     */
    @Test
    void foldersNamedByClassIndexAreThoseClasses() throws IOException {
        Path named = folder("named", List.of("cat", "dog"));
        Path indexed = dir.resolve("indexed");
        Files.createDirectories(indexed);
        Files.move(named.resolve("cat"), indexed.resolve("3"));
        Files.move(named.resolve("dog"), indexed.resolve("5"));
        Cli byName = Cli.run("eval", "--weights", SHIPPED, "--data", folder("again", List.of("cat", "dog")).toString())
                .assertSuccess();

        Cli byIndex = Cli.run("eval", "--weights", SHIPPED, "--data", indexed.toString()).assertSuccess();

        assertEquals(byName.lastLine(), byIndex.lastLine());
        assertTrue(EvalCommand.namedByClassIndex(List.of("0", "10", "999"), 1000));
        assertFalse(EvalCommand.namedByClassIndex(List.of("0", "10", "1000"), 1000));
        assertFalse(EvalCommand.namedByClassIndex(List.of("07"), 1000));
        assertFalse(EvalCommand.namedByClassIndex(List.of("n01440764"), 1000));
    }

    /**
     * A directory whose only subdirectory is hidden (what a stopped CIFAR-10 download leaves) is CIFAR-10 data still to
     * come, not an image folder: the CIFAR-10 reader's message, naming the files, not "class folder without images".
     */
    @Test
    void aHiddenDirectoryDoesNotMakeAnImageFolder() throws IOException {
        Path pending = dir.resolve("pending");
        Files.createDirectories(pending.resolve(".cifar-10-extract-123"));
        Cli.run("eval", "--weights", SHIPPED, "--data", pending.toString()).assertFailure(1, "CIFAR-10 data not found");
    }

    /**
     * CIFAR weights that record no normalization are refused on a folder as classify refuses them: eval used to fall
     * back to ImageNet's mean and std and print an accuracy. And CIFAR-10 files are no test of a network trained at
     * another size or on other classes: it would be scored against classes it never learned.
     */
    @Test
    void weightsThatDoNotFitTheDataAreRefused() throws IOException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(2));
        Path bare = dir.resolve("bare.safetensors");
        StateDicts.save(model, bare, Map.of("model", "resnet20"));
        Cli.run("eval", "--weights", bare.toString(), "--data", folder("all", null).toString())
                .assertFailure(1, bare + ": the weights record no input normalization, and a CIFAR network (resnet20) "
                        + "has no standard one");

        Map<String, String> normalization = Map.of("normalization.mean", "0.49,0.48,0.45", "normalization.std",
                "0.25,0.24,0.26");
        Path large = dir.resolve("large.safetensors");
        Map<String, String> largeMetadata = new HashMap<>(normalization);
        largeMetadata.put("image_size", "64");
        StateDicts.save(model, large, largeMetadata);
        Cli.run("eval", "--weights", large.toString(), "--data", cifar.toString(), "--records-per-file", "24")
                .assertFailure(1, large + ": the network was trained on 64x64 images (its metadata 'image_size'), and "
                        + "CIFAR-10's are 32x32");

        Path named = dir.resolve("named.safetensors");
        Map<String, String> namedMetadata = new HashMap<>(normalization);
        namedMetadata.put("labels", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj");
        StateDicts.save(model, named, namedMetadata);
        Cli.run("eval", "--weights", named.toString(), "--data", cifar.toString(), "--records-per-file", "24")
                .assertFailure(1, "(its metadata 'labels'), not CIFAR-10's");
    }

    @Test
    void optionsOfTheOtherKindOfDataAreRefused() throws IOException {
        Path all = folder("all", null);
        Cli.run("eval", "--weights", SHIPPED, "--data", all.toString(), "--split", "test")
                .assertFailure(2, "is an image folder, which is evaluated whole");
        Cli.run("eval", "--weights", SHIPPED, "--data", all.toString(), "--records-per-file", "24")
                .assertFailure(2, "--records-per-file is for CIFAR-10 files");
        Cli.run("eval", "--weights", SHIPPED, "--data", cifar.toString(), "--records-per-file", "24", "--image-size",
                "64").assertFailure(2, "is CIFAR-10 data, whose 32x32 images are used as they are");
        Cli.run("eval", "--weights", SHIPPED, "--data", cifar.toString(), "--records-per-file", "24", "--exif",
                "ignore").assertFailure(2, "eval: --image-size, --resize and --exif prepare the images of an image "
                + "folder");
    }
}
