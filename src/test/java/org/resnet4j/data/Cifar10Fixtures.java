package org.resnet4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Crafted CIFAR-10 files and datasets for tests, and the location of the real shared files when present. Public for
 * the training and command-line tests, which need a small data directory a network can learn from.
 */
public final class Cifar10Fixtures {
    static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private Cifar10Fixtures() {
    }

    /** {@code records} records of 3073 bytes: label {@code (first + r) % 10}, random pixels. */
    static byte[] batchBytes(int records, int first, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[records * Cifar10Reader.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int offset = r * Cifar10Reader.RECORD_BYTES;
            bytes[offset] = (byte) ((first + r) % 10);
            for (int i = 1; i < Cifar10Reader.RECORD_BYTES; i++) {
                bytes[offset + i] = (byte) random.nextInt(256);
            }
        }
        return bytes;
    }

    /** Writes the five training files ({@code records} each) and the class names into {@code directory}. */
    static void writeTrainingDirectory(Path directory, int records) throws IOException {
        Files.createDirectories(directory);
        for (int f = 0; f < 5; f++) {
            Files.write(directory.resolve(Cifar10Reader.TRAINING_FILES.get(f)), batchBytes(records, f * records, f));
        }
        writeMeta(directory);
    }

    /**
     * Writes a complete data directory (the five training files, {@code test_batch.bin} and the class names) of
     * {@code records} records per file, for a {@code new Cifar10Reader(records)}. The images are learnable: image
     * {@code i} of a file has label {@code i % 10} and is its class's colour (a distinct RGB triple per class) plus
     * uniform noise of +-40, the same everywhere in the image so that crops and flips keep the class.
     */
    public static void writeLearnableDirectory(Path directory, int records, long seed) throws IOException {
        Files.createDirectories(directory);
        for (int f = 0; f < 5; f++) {
            Files.write(directory.resolve(Cifar10Reader.TRAINING_FILES.get(f)), learnableBytes(records, seed * 7 + f));
        }
        Files.write(directory.resolve(Cifar10Reader.TEST_FILE), learnableBytes(records, seed * 7 + 5));
        writeMeta(directory);
    }

    private static final int NOISE = 40;

    /** {@code records} records of 3073 bytes: label {@code r % 10}, the class colour plus noise. */
    static byte[] learnableBytes(int records, long seed) {
        // Ten colours from the levels 40, 128, 215: any two differ by at least 87 in some channel, far above the noise.
        int[][] colours = {{215, 40, 40}, {40, 215, 40}, {40, 40, 215}, {215, 215, 40}, {215, 40, 215},
                {40, 215, 215}, {128, 128, 128}, {40, 40, 40}, {215, 215, 215}, {128, 40, 128}};
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[records * Cifar10Reader.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int offset = r * Cifar10Reader.RECORD_BYTES;
            int label = r % 10;
            bytes[offset] = (byte) label;
            for (int c = 0; c < Cifar10Dataset.CHANNELS; c++) {
                for (int p = 0; p < Cifar10Dataset.PLANE; p++) {
                    int value = colours[label][c] + random.nextInt(-NOISE, NOISE + 1);
                    bytes[offset + 1 + c * Cifar10Dataset.PLANE + p] = (byte) Math.clamp(value, 0, 255);
                }
            }
        }
        return bytes;
    }

    static void writeMeta(Path directory) throws IOException {
        // The official file ends with blank lines; the reader must ignore them.
        Files.writeString(directory.resolve(Cifar10Reader.META_FILE), String.join("\n", CLASS_NAMES) + "\n\n",
                StandardCharsets.UTF_8);
    }

    /** {@code n} images of random pixels, labels {@code i % 10}. */
    static Cifar10Dataset randomDataset(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[n * Cifar10Dataset.IMAGE_BYTES];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        return new Cifar10Dataset(pixels, labels, CLASS_NAMES);
    }

    /**
     * {@code n <= 255} images whose red plane is the constant {@code i + 1}, so any crop still says which image it came
     * from; green and blue random, labels {@code (7 * i) % 10}.
     */
    static Cifar10Dataset taggedDataset(int n, long seed) {
        Cifar10Dataset dataset = randomDataset(n, seed);
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(dataset.pixels(), Cifar10Dataset.offset(i),
                    Cifar10Dataset.offset(i) + Cifar10Dataset.PLANE, (byte) (i + 1));
            dataset.labels()[i] = (byte) ((7 * i) % 10);
        }
        return dataset;
    }

    /**
     * The real {@code cifar-10-batches-bin} folder: {@code ../shared/data/} next to the project (as on CI, which
     * clones the project beside a copy of {@code shared/}), else {@code /work/shared/data/}. Skips the calling test,
     * naming the folders looked for, when neither exists.
     */
    public static Path sharedCifar10OrSkip() {
        Path projectRoot = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        List<Path> candidates = List.of(
                projectRoot.resolveSibling("shared").resolve("data").resolve("cifar-10-batches-bin"),
                Path.of("/work/shared/data/cifar-10-batches-bin"));
        Optional<Path> found = candidates.stream().filter(Files::isDirectory).findFirst();
        Assumptions.assumeTrue(found.isPresent(), "the real CIFAR-10 files are absent: looked for " + candidates);
        return found.get();
    }
}
