package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;

class BatchLoaderTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** 203 images, batches of 16: 12 full batches and 11 left over. */
    private final Cifar10Dataset data = Cifar10Fixtures.taggedDataset(203, 21);
    private final Normalization norm = Normalization.perChannel(data);

    private record Copy(int epoch, int index, float[] images, int[] labels) {
        static Copy of(Batch b) {
            return new Copy(b.epoch(), b.index(), b.images().clone(), b.labels().clone());
        }

        void assertSame(Copy other) {
            assertEquals(epoch, other.epoch);
            assertEquals(index, other.index);
            assertArrayEquals(labels, other.labels, "labels of batch " + index + " of epoch " + epoch);
            assertArrayEquals(images, other.images, "images of batch " + index + " of epoch " + epoch);
        }
    }

    private static List<Copy> take(BatchLoader loader, int count) {
        List<Copy> copies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            copies.add(Copy.of(loader.next()));
        }
        return copies;
    }

    /** The image a training batch slot came from: the red plane is the constant i + 1, and the centre always survives. */
    private int imageOf(float[] images, int slot) {
        float centre = images[slot * 3072 + 16 * 32 + 16];
        for (int raw = 1; raw <= 255; raw++) {
            if (norm.apply(0, 0, raw) == centre) {
                return raw - 1;
            }
        }
        throw new AssertionError("slot " + slot + " holds no tagged image");
    }

    @Test
    void evaluationVisitsEveryImageOnceInOrderUnaugmented() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(16).build()) {
                assertEquals(13, loader.batchesPerEpoch());
                float[] expected = new float[3072];
                int image = 0;
                while (loader.hasNext()) {
                    Batch batch = loader.next();
                    assertEquals(image == 192 ? 11 : 16, batch.size());
                    assertEquals(batch.size() * 3072, batch.images().length);
                    for (int k = 0; k < batch.size(); k++, image++) {
                        norm.apply(data.pixels(), Cifar10Dataset.offset(image), expected, 0, 1024, 1);
                        assertArrayEquals(expected, Arrays.copyOfRange(batch.images(), k * 3072, (k + 1) * 3072),
                                "image " + image);
                        assertEquals(data.label(image), batch.labels()[k]);
                    }
                }
                assertEquals(203, image);
                assertThrows(NoSuchElementException.class, loader::next);
            }
        });
    }

    @Test
    void trainingEpochsAreFreshPermutationsOfAugmentedImagesWithTheLastPartialBatchDropped() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(5).build()) {
                assertEquals(12, loader.batchesPerEpoch());
                float[] expected = new float[3072];
                byte[] augmented = new byte[3072];
                List<int[]> orders = new ArrayList<>();
                for (int epoch = 0; epoch < 3; epoch++) {
                    int[] order = new int[192];
                    boolean[] seen = new boolean[203];
                    for (int b = 0; b < 12; b++) {
                        Batch batch = loader.next();
                        assertEquals(epoch, batch.epoch());
                        assertEquals(b, batch.index());
                        assertEquals(16, batch.size());
                        for (int k = 0; k < 16; k++) {
                            int image = imageOf(batch.images(), k);
                            assertFalse(seen[image], "image " + image + " twice in epoch " + epoch);
                            seen[image] = true;
                            order[b * 16 + k] = image;
                            assertEquals(data.label(image), batch.labels()[k]);
                            RandomCropFlip.forImage(5, epoch, image).apply(data.pixels(), Cifar10Dataset.offset(image),
                                    augmented, 0);
                            norm.apply(augmented, 0, expected, 0, 1024, 1);
                            assertArrayEquals(expected, Arrays.copyOfRange(batch.images(), k * 3072, (k + 1) * 3072));
                        }
                    }
                    orders.add(order);
                }
                assertFalse(Arrays.equals(orders.get(0), orders.get(1)));
                assertFalse(Arrays.equals(orders.get(1), orders.get(2)));
                assertTrue(Arrays.stream(orders.get(0)).anyMatch(i -> i >= 192), "shuffled, not file order");
            }
        });
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherBatches() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<Copy> first;
            List<Copy> again;
            List<Copy> other;
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(3).build()) {
                first = take(loader, 30);
            }
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(3).prefetch(1).build()) {
                again = take(loader, 30);
            }
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(4).build()) {
                other = take(loader, 1);
            }
            for (int i = 0; i < 30; i++) {
                first.get(i).assertSame(again.get(i));
            }
            assertFalse(Arrays.equals(first.get(0).images(), other.get(0).images()));
        });
    }

    @Test
    void resumedLoaderContinuesExactlyAsTheUninterruptedOne() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<Copy> uninterrupted;
            try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(8).build()) {
                uninterrupted = take(loader, 40);
            }
            // Mid-epoch (epoch 1, batch 5) and exactly at an epoch boundary (epoch 2, batch 0).
            for (int stop : new int[] {17, 24}) {
                long[] saved;
                try (BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).seed(8).build()) {
                    take(loader, stop);
                    saved = loader.state().toArray();
                }
                LoaderState state = LoaderState.fromArray(saved);
                assertEquals(stop / 12, state.epoch());
                assertEquals(stop % 12, state.batch());
                // The seed comes from the state, whatever the builder said.
                try (BatchLoader resumed = BatchLoader.training(data, norm).batchSize(16).seed(12345)
                        .resumeFrom(state).build()) {
                    List<Copy> rest = take(resumed, 40 - stop);
                    for (int i = stop; i < 40; i++) {
                        uninterrupted.get(i).assertSame(rest.get(i - stop));
                    }
                }
            }
        });
    }

    @Test
    void resumingWithAnotherBatchSizeIsRefused() {
        LoaderState state = new LoaderState(1, 2, 3, 16, 203);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.training(data, norm).batchSize(32).resumeFrom(state).build());
        assertTrue(e.getMessage().contains("batch size 16"), e.getMessage());
        assertTrue(e.getMessage().contains("batch size 32"), e.getMessage());
    }

    @Test
    void nhwcBatchesHoldTheSameTensorAsNchw() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BatchLoader nchw = BatchLoader.training(data, norm).batchSize(8).seed(2).build();
                    BatchLoader nhwc = BatchLoader.training(data, norm).batchSize(8).seed(2).layout(Layout.NHWC)
                            .build()) {
                Tensor a = nchw.next().tensor();
                Tensor b = nhwc.next().tensor();
                assertEquals(Layout.NHWC, b.layout());
                assertArrayEquals(a.data(), b.toLayout(Layout.NCHW).data());
            }
        });
    }

    /** Every batch handed out is the caller's: kept to the end, each still holds what it held when it came. */
    @Test
    void batchesHandedOutAreTheCallers() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<Batch> kept = new ArrayList<>();
            List<Copy> atHandOut = new ArrayList<>();
            try (BatchLoader loader = BatchLoader.evaluation(data, norm).batchSize(16).epochs(3).prefetch(2).build()) {
                while (loader.hasNext()) {
                    Batch batch = loader.next();
                    kept.add(batch);
                    atHandOut.add(Copy.of(batch));
                }
            }
            assertEquals(39, kept.size());
            IdentityHashMap<float[], Boolean> arrays = new IdentityHashMap<>();
            for (int i = 0; i < kept.size(); i++) {
                atHandOut.get(i).assertSame(Copy.of(kept.get(i)));
                arrays.put(kept.get(i).images(), true);
            }
            assertEquals(kept.size(), arrays.size(), "each batch has arrays of its own");
        });
    }

    /** The loader prepares at most {@code prefetch} batches ahead of its caller, so memory stays bounded. */
    @Test
    void theLoaderRunsAtMostPrefetchBatchesAhead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            java.util.concurrent.atomic.AtomicInteger fills = new java.util.concurrent.atomic.AtomicInteger();
            BatchSource counting = new FailingSource() {
                @Override
                public void fill(int epoch, int batch, Batch out) {
                    fills.incrementAndGet();
                }
            };
            try (BatchLoader loader = BatchLoader.of(counting, Layout.NCHW, null, 10)) { // prefetch 2
                awaitThenHold(fills, 2);
                loader.next();
                loader.next();
                awaitThenHold(fills, 4);
            }
        });
    }

    /** Waits for {@code count} to reach {@code expected}, then checks that it stays there for a while. */
    private static void awaitThenHold(java.util.concurrent.atomic.AtomicInteger count, int expected)
            throws InterruptedException {
        while (count.get() < expected) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        assertEquals(expected, count.get(), "batches prepared");
    }

    /** A source that fails on one batch: the loader must rethrow, after the batches before it, and never hang. */
    private static class FailingSource implements BatchSource {
        @Override
        public int batchSize() {
            return 2;
        }

        @Override
        public int size() {
            return 8;
        }

        @Override
        public int imageSize() {
            return 4;
        }

        @Override
        public long seed() {
            return 0;
        }

        @Override
        public int batchesPerEpoch() {
            return 4;
        }

        @Override
        public void fill(int epoch, int batch, Batch out) {
            if (epoch == 1 && batch == 2) {
                throw new ArithmeticException("disk on fire");
            }
            out.labels()[0] = epoch * 4 + batch;
        }
    }

    @Test
    void aBackgroundFailureReachesTheConsumerInOrder() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BatchLoader loader = BatchLoader.of(new FailingSource(), Layout.NCHW, null, 10)) {
                for (int i = 0; i < 6; i++) {
                    assertEquals(i, loader.next().labels()[0]);
                }
                IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
                assertTrue(e.getCause() instanceof ArithmeticException, String.valueOf(e.getCause()));
                assertTrue(e.getMessage().contains("batch 2 of epoch 1"), e.getMessage());
                assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
                assertThrows(IllegalStateException.class, loader::next);
            }
        });
    }

    @Test
    void closeStopsTheThreadAndLaterCallsFail() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BatchLoader loader = BatchLoader.training(data, norm).batchSize(16).build();
            loader.next();
            loader.close();
            loader.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertFalse(loader.workerAlive(), "the loader thread is still running");
        });
    }

    @Test
    void aDatasetSmallerThanOneTrainingBatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.training(data, norm).batchSize(256).build());
        assertTrue(e.getMessage().contains("203 images"), e.getMessage());
        try (BatchLoader evaluation = BatchLoader.evaluation(data, norm).batchSize(256).build()) {
            assertEquals(1, evaluation.batchesPerEpoch());
            assertEquals(203, evaluation.next().size());
        }
    }
}
