package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.resnet4j.tensor.Layout;

/**
 * Any {@link Dataset} through the background loader: a user's in-memory set batches exactly as CIFAR-10 does, values
 * are the normalized bytes, the reading thread count changes nothing, augmentations do what they say, and bad data or
 * options stop with a message naming them.
 */
class DatasetLoaderTest {
    private static final int SIDE = 8;

    /** {@code count} batches as {images, labels} pairs, copied (labels as floats, to compare both alike). */
    private static List<float[]> take(BatchLoader loader, int count) {
        List<float[]> out = new ArrayList<>();
        try (loader) {
            for (int i = 0; i < count && loader.hasNext(); i++) {
                Batch batch = loader.next();
                out.add(batch.images().clone());
                out.add(labels(batch));
            }
        }
        return out;
    }

    private static float[] labels(Batch batch) {
        float[] labels = new float[batch.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = batch.labels()[i];
        }
        return labels;
    }

    private static void assertSameBatches(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": batch count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": " + (i % 2 == 0 ? "images" : "labels")
                    + " of batch " + i / 2);
        }
    }

    /** The same bytes behind CIFAR-10's class and behind a user's implementation give the same batches. */
    @Test
    void aUsersDatasetBatchesExactlyAsCifar10Does() {
        Cifar10Dataset cifar = Cifar10Fixtures.taggedDataset(45, 3);
        int[] labels = new int[cifar.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = cifar.label(i);
        }
        Dataset mine = new ArrayDataset(32, cifar.pixels().clone(), labels, cifar.classNames());
        Normalization norm = Normalization.perChannel(cifar);
        assertEquals(norm, Normalization.perChannel(mine));

        List<float[]> expected = take(BatchLoader.training(cifar, norm).batchSize(8).seed(4).layout(Layout.NHWC)
                .build(), 12);
        List<float[]> actual = take(BatchLoader.training(mine, norm).batchSize(8).seed(4).layout(Layout.NHWC)
                .build(), 12);
        assertSameBatches(expected, actual, "training, two epochs");
        assertSameBatches(take(BatchLoader.evaluation(cifar, norm).batchSize(8).build(), 10),
                take(BatchLoader.evaluation(mine, norm).batchSize(8).build(), 10), "evaluation");
    }

    @Test
    void evaluationBatchesAreTheNormalizedBytesInOrderWithAShortLastBatch() {
        ArrayDataset data = ArrayDataset.redOrBlue(10, SIDE, 1);
        Normalization norm = Normalization.perChannel(data);
        int plane = SIDE * SIDE;
        try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(4).build()) {
            assertEquals(3, loader.batchesPerEpoch());
            for (int b = 0; b < 3; b++) {
                Batch batch = loader.next();
                assertEquals(b < 2 ? 4 : 2, batch.size());
                assertEquals(List.of(batch.size(), 3, SIDE, SIDE), Arrays.stream(batch.tensor().shape().dims())
                        .boxed().toList());
                for (int k = 0; k < batch.size(); k++) {
                    int image = 4 * b + k;
                    assertEquals(data.label(image), batch.labels()[k]);
                    for (int i = 0; i < 3 * plane; i++) {
                        float expected = norm.apply(i / plane, i % plane, data.pixels()[image * 3 * plane + i] & 0xFF);
                        assertEquals(expected, batch.images()[k * 3 * plane + i], "image " + image + " value " + i);
                    }
                }
            }
        }
    }

    @Test
    void theReadingThreadCountChangesNothingAndAResumeContinuesExactly() {
        ArrayDataset data = ArrayDataset.redOrBlue(30, SIDE, 2);
        Normalization norm = Normalization.perPixelMean(data);
        List<float[]> one = take(BatchLoader.training(data, norm).batchSize(7).seed(9).build(), 10);
        assertSameBatches(one, take(BatchLoader.training(data, norm).batchSize(7).seed(9).threads(3).build(), 10),
                "three reading threads");

        LoaderState saved;
        try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(7).seed(9).threads(2).build()) {
            for (int i = 0; i < 6; i++) {
                loader.next();
            }
            saved = loader.state();
        }
        assertEquals(new LoaderState(9, 1, 2, 7, 30), saved, "4 batches per epoch: epoch 1, batch 2 comes next");
        List<float[]> resumed = take(BatchLoader.training(data, norm).batchSize(7).resumeFrom(saved).build(), 4);
        assertSameBatches(one.subList(12, 20), resumed, "resumed after 6 batches");
    }

    /** FLIP mirrors some images and keeps the rest; NONE keeps all; the order is the seed's permutation either way. */
    @Test
    void augmentationsDoWhatTheySay() {
        ArrayDataset data = ArrayDataset.redOrBlue(16, SIDE, 3);
        Normalization norm = Normalization.perChannel(data);
        int[] order = new int[16];
        Seeds.permutation(order, Seeds.random(5, Seeds.SHUFFLE, 0, 0));
        int flipped = 0;
        for (Augmentation augmentation : new Augmentation[] {Augmentation.NONE, Augmentation.FLIP}) {
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(5)
                    .augmentation(augmentation).build()) {
                Batch batch = loader.next();
                for (int k = 0; k < 16; k++) {
                    float[] got = Arrays.copyOfRange(batch.images(), k * 3 * SIDE * SIDE, (k + 1) * 3 * SIDE * SIDE);
                    boolean same = Arrays.equals(normalized(data, norm, order[k], false), got);
                    boolean mirrored = Arrays.equals(normalized(data, norm, order[k], true), got);
                    assertTrue(same || augmentation == Augmentation.FLIP && mirrored, augmentation + " slot " + k);
                    flipped += same ? 0 : 1;
                }
            }
        }
        assertTrue(flipped > 2 && flipped < 14, "about half of 16 images flipped, got " + flipped);
        assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.evaluation(data, norm).augmentation(Augmentation.FLIP));
    }

    private static float[] normalized(ArrayDataset data, Normalization norm, int image, boolean mirror) {
        byte[] bytes = new byte[data.imageBytes()];
        data.readImage(image, bytes, 0);
        byte[] source = bytes;
        if (mirror) {
            source = new byte[bytes.length];
            new RandomCropFlip(0, 0, true).apply(bytes, 0, source, 0, SIDE);
        }
        float[] out = new float[bytes.length];
        norm.apply(source, 0, SIDE, out, 0, SIDE * SIDE, 1);
        return out;
    }

    @Test
    void aLabelOutsideTheClassesStopsTheLoaderNamingTheImage() {
        ArrayDataset good = ArrayDataset.redOrBlue(6, SIDE, 4);
        int[] labels = good.labels().clone();
        labels[4] = 7;
        ArrayDataset bad = new ArrayDataset(SIDE, good.pixels(), labels, good.classNames());
        try (BatchLoader loader = BatchLoader.evaluation(bad, Normalization.perChannel(good)).batchSize(3).build()) {
            loader.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains("image 4 has label 7, not one of the 2 classes 0..1"), e.getMessage());
        }
    }

    @Test
    void aPerPixelMeanImageFitsImagesOfItsOwnSideOnly() {
        Normalization mean8 = Normalization.perPixelMean(ArrayDataset.redOrBlue(4, SIDE, 5));
        assertEquals(SIDE, mean8.meanImageSize());
        assertArrayEquals(new int[] {3, SIDE, SIDE}, mean8.shapes().get(Normalization.MEAN_KEY));
        assertEquals(mean8, Normalization.fromMap(mean8.toMap()), "saved and restored");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.training(ArrayDataset.redOrBlue(4, 16, 5), mean8).batchSize(2).build());
        assertTrue(e.getMessage().contains("per-pixel mean image is 8x8, the data set's images 16x16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.training(
                new ArrayDataset(SIDE, new byte[0], new int[0], List.of("a")), mean8), "an empty data set");
    }

    @Test
    void selectIsAViewInTheGivenOrder() {
        ArrayDataset data = ArrayDataset.redOrBlue(5, 2, 6);
        Dataset picked = data.select(new int[] {4, 1});
        assertEquals(2, picked.size());
        assertEquals(List.of(data.label(4), data.label(1)), List.of(picked.label(0), picked.label(1)));
        byte[] expected = new byte[12];
        byte[] actual = new byte[12];
        data.readImage(1, expected, 0);
        picked.readImage(1, actual, 0);
        assertArrayEquals(expected, actual);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> data.select(new int[] {0, 5}));
        assertTrue(e.getMessage().contains("index 5 (position 1) is outside 0..4"), e.getMessage());
    }
}
