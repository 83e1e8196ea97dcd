package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.RgbImage;
import org.resnet4j.images.TrainingTransform;
import org.resnet4j.tensor.Layout;

/** Image files through the background loader: the transform's values, in order, repeatable, resumable. */
class ImageFolderBatchesTest {
    private static final EvaluationTransform EVAL = new EvaluationTransform(20, 16, PixelTensors.imagenetMean(),
            PixelTensors.imagenetStd());
    private static final TrainingTransform TRAIN = new TrainingTransform(16, 0.3, 1, 0.75, 4.0 / 3,
            PixelTensors.imagenetMean(), PixelTensors.imagenetStd());

    @TempDir
    Path root;
    private List<ImageFolder.Sample> samples;

    @BeforeEach
    void writeImages() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        for (String label : new String[] {"ants", "bees"}) {
            Files.createDirectories(root.resolve(label));
            for (int i = 0; i < 7; i++) {
                BufferedImage image = new BufferedImage(20 + 3 * i, 30 - 2 * i, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < image.getHeight(); y++) {
                    for (int x = 0; x < image.getWidth(); x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                ImageIO.write(image, "png", root.resolve(label).resolve(i + ".png").toFile());
            }
        }
        samples = ImageFolder.scan(root).samples();
    }

    @Test
    void evaluationBatchesHoldTheTransformedImagesInOrder() throws IOException {
        List<RgbImage> decoded = new ArrayList<>();
        for (ImageFolder.Sample sample : samples) {
            decoded.add(ImageDecoder.standard().decode(sample.file()));
        }
        float[] expected = EVAL.batch(decoded).data();
        List<Float> actual = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.imageFolderEvaluation(samples, EVAL, 4, Layout.NCHW, 3)) {
            while (loader.hasNext()) {
                Batch batch = loader.next();
                for (float v : batch.images()) {
                    actual.add(v);
                }
                for (int label : batch.labels()) {
                    labels.add(label);
                }
                assertEquals(List.of(batch.size(), 3, 16, 16), List.of(batch.tensor().shape().dims()[0], 3, 16, 16));
            }
        }
        float[] flat = new float[actual.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = actual.get(i);
        }
        assertArrayEquals(expected, flat);
        assertEquals(samples.stream().map(ImageFolder.Sample::label).toList(), labels);
    }

    /** Same seed, same batches; a loader resumed from a saved state repeats the rest; NHWC holds the same values. */
    @Test
    void trainingBatchesAreRepeatableAndResumable() {
        List<float[]> first = batches(BatchLoader.imageFolderTraining(samples, TRAIN, 4, 9, null, Layout.NHWC, 2), 6,
                null);
        List<float[]> again = batches(BatchLoader.imageFolderTraining(samples, TRAIN, 4, 9, null, Layout.NHWC, 1), 6,
                null);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), again.get(i), "batch " + i + " on another decoding thread count");
        }
        LoaderState[] saved = new LoaderState[1];
        batches(BatchLoader.imageFolderTraining(samples, TRAIN, 4, 9, null, Layout.NHWC, 2), 2, saved);
        List<float[]> resumed = batches(BatchLoader.imageFolderTraining(samples, TRAIN, 4, 9, saved[0], Layout.NHWC,
                2), 4, null);
        for (int i = 0; i < resumed.size(); i++) {
            assertArrayEquals(first.get(i + 2), resumed.get(i), "resumed batch " + i);
        }
        List<float[]> other = batches(BatchLoader.imageFolderTraining(samples, TRAIN, 4, 10, null, Layout.NHWC, 2), 1,
                null);
        assertFalse(java.util.Arrays.equals(first.get(0), other.get(0)), "another seed, other batches");
    }

    @Test
    void aCorruptFileStopsTheLoaderNamingIt() throws IOException {
        Path bad = samples.get(5).file(); // in the second batch of 4
        Files.writeString(bad, "not a png");
        try (BatchLoader loader = BatchLoader.imageFolderEvaluation(samples, EVAL, 4, Layout.NCHW, 2)) {
            loader.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains(bad + ": not a PNG or JPEG image"), e.getMessage());
        }
    }

    /** As through the data set: an image too long and narrow to resize stops the loader naming it. */
    @Test
    void aLongNarrowImageStopsTheLoaderNamingIt() throws IOException {
        Path narrow = samples.get(5).file();
        ImageIO.write(new BufferedImage(100_000, 1, BufferedImage.TYPE_INT_RGB), "png", narrow.toFile());
        EvaluationTransform resize32 = new EvaluationTransform(32, 16, null, null);
        try (BatchLoader loader = BatchLoader.imageFolderEvaluation(samples, resize32, 4, Layout.NCHW, 2)) {
            loader.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains(narrow + ": the image is 100000x1 pixels: resized to a shorter side of "
                    + "32 it would be 3200000x32, more than the limit of 100000000 pixels"), e.getMessage());
        }
    }

    /** {@code count} batches' images (copied); {@code state[0]}, if given, receives the state after them. */
    private static List<float[]> batches(BatchLoader loader, int count, LoaderState[] state) {
        List<float[]> out = new ArrayList<>();
        try (loader) {
            for (int i = 0; i < count; i++) {
                out.add(loader.next().images().clone());
            }
            if (state != null) {
                state[0] = loader.state();
            }
        }
        return out;
    }
}
