package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.RgbImage;
import org.resnet4j.tensor.Layout;

/** An image folder as a {@link Dataset}: the decoded pixels at one size, through the same loader as CIFAR-10. */
class ImageFolderDatasetTest {
    private static final int SIDE = 8;

    @TempDir
    Path root;
    private ImageFolder folder;

    /** Two classes of three PNGs: 8x8 ones, and one 12x10 that must be resized and cropped. */
    @BeforeEach
    void writeImages() throws IOException {
        SplittableRandom random = new SplittableRandom(2);
        for (String label : new String[] {"ants", "bees"}) {
            Files.createDirectories(root.resolve(label));
            for (int i = 0; i < 3; i++) {
                BufferedImage image = i == 2 ? new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB)
                        : new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < image.getHeight(); y++) {
                    for (int x = 0; x < image.getWidth(); x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                ImageIO.write(image, "png", root.resolve(label).resolve(i + ".png").toFile());
            }
        }
        folder = ImageFolder.scan(root);
    }

    /** What the data set should hold: torchvision's Resize(8), CenterCrop(8) of the decoded file, as CHW bytes. */
    private static byte[] expectedBytes(Path file) throws IOException {
        RgbImage image = new EvaluationTransform(SIDE, SIDE, null, null).geometry(ImageDecoder.standard().decode(file));
        byte[] hwc = image.pixels();
        byte[] chw = new byte[hwc.length];
        for (int p = 0; p < SIDE * SIDE; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * SIDE * SIDE + p] = hwc[p * 3 + c];
            }
        }
        return chw;
    }

    @Test
    void imagesAreTheDecodedPixelsBroughtToOneSize() throws IOException {
        Dataset data = folder.dataset(SIDE);
        assertEquals(6, data.size());
        assertEquals(SIDE, data.imageSize());
        assertEquals(List.of("ants", "bees"), data.classNames());
        RgbImage small = ImageDecoder.standard().decode(folder.samples().getFirst().file());
        byte[] read = new byte[data.imageBytes() + 5];
        data.readImage(0, read, 5);
        assertEquals(small.value(3, 2, 1) & 0xFF, read[5 + SIDE * SIDE + 2 * SIDE + 3] & 0xFF, "green at (3, 2)");
        for (int i = 0; i < data.size(); i++) {
            byte[] bytes = new byte[data.imageBytes()];
            data.readImage(i, bytes, 0);
            assertArrayEquals(expectedBytes(folder.samples().get(i).file()), bytes, "image " + i);
            assertEquals(folder.samples().get(i).label(), data.label(i));
        }
    }

    /** The folder's images through the loader CIFAR-10 uses: normalized bytes, any thread count, a split's part. */
    @Test
    void theFolderGoesThroughTheSameLoaderAsCifar10() throws IOException {
        Dataset data = folder.dataset(SIDE);
        Normalization norm = Normalization.perChannel(data);
        try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(4).threads(2).layout(Layout.NHWC)
                .build()) {
            for (int b = 0; b < 2; b++) {
                Batch batch = loader.next();
                float[] nchw = batch.tensor().toLayout(Layout.NCHW).data();
                for (int k = 0; k < batch.size(); k++) {
                    byte[] bytes = expectedBytes(folder.samples().get(4 * b + k).file());
                    float[] expected = new float[bytes.length];
                    norm.apply(bytes, 0, SIDE, expected, 0, SIDE * SIDE, 1);
                    assertArrayEquals(expected, java.util.Arrays.copyOfRange(nchw, k * bytes.length,
                            (k + 1) * bytes.length), "image " + (4 * b + k));
                }
            }
        }
        ImageFolder.Split split = folder.split(0.34, 1);
        Dataset train = folder.dataset(split.train(), SIDE);
        assertEquals(4, train.size());
        float[] oneThread;
        try (BatchLoader loader = BatchLoader.training(train, norm).batchSize(2).seed(3).build()) {
            oneThread = loader.next().images().clone();
        }
        try (BatchLoader loader = BatchLoader.training(train, norm).batchSize(2).seed(3).threads(2).build()) {
            assertArrayEquals(oneThread, loader.next().images());
        }
    }

    @Test
    void aCorruptFileStopsTheLoaderNamingIt() throws IOException {
        Path bad = folder.samples().get(4).file();
        Files.writeString(bad, "not a png");
        Dataset data = folder.dataset(SIDE);
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(4).build()) {
            loader.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains(bad + ": not a PNG or JPEG image"), e.getMessage());
        }
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> folder.dataset(0));
        assertTrue(size.getMessage().contains("image size must be >= 1, got 0"), size.getMessage());
    }

    /**
     * 1 x 100,000 pixels pass the decoder, but with the shorter side resized to 32 they would be 32 x 3,200,000: the
     * loader stops naming the file, rather than with an OutOfMemoryError (1 x 10,000,000 did) that names none.
     */
    @Test
    void aLongNarrowImageStopsTheLoaderNamingIt() throws IOException {
        Path narrow = folder.samples().get(4).file();
        ImageIO.write(new BufferedImage(1, 100_000, BufferedImage.TYPE_INT_RGB), "png", narrow.toFile());
        Dataset data = folder.dataset(32);
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(4).build()) {
            loader.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains(narrow + ": the image is 1x100000 pixels: resized to a shorter side of "
                    + "32 it would be 32x3200000, more than the limit of 100000000 pixels"), e.getMessage());
        }
    }
}
