package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.resnet4j.tensor.Layout;

/** A batch source of a user's own, through the public interface: layouts, epochs, resume, closing. */
class BatchSourceTest {
    /** Image i of every epoch is the constant i + epoch / 10 in channel c times (c + 1); 10 images, batches of 4. */
    private static final class Counting implements BatchSource, AutoCloseable {
        boolean closed;

        @Override
        public int batchSize() {
            return 4;
        }

        @Override
        public int size() {
            return 10;
        }

        @Override
        public int imageSize() {
            return 3;
        }

        @Override
        public long seed() {
            return 17;
        }

        @Override
        public int batchesPerEpoch() {
            return 3;
        }

        @Override
        public void fill(int epoch, int batch, Batch out) {
            float[] chw = new float[27];
            for (int k = 0; k < out.size(); k++) {
                int image = batch * 4 + k;
                for (int i = 0; i < chw.length; i++) {
                    chw[i] = (image + epoch / 10f) * (i / 9 + 1);
                }
                out.put(k, chw, 0, image % 2);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void batchesHoldWhatTheSourcePutInEitherLayout() {
        Counting source = new Counting();
        try (BatchLoader nchw = BatchLoader.of(new Counting(), Layout.NCHW, null, 2);
             BatchLoader nhwc = BatchLoader.of(source, Layout.NHWC, null, 2)) {
            for (int b = 0; b < 6; b++) {
                Batch a = nchw.next();
                Batch c = nhwc.next();
                assertEquals(b % 3 == 2 ? 2 : 4, a.size(), "the last batch of an epoch is short");
                assertArrayEquals(a.images(), c.tensor().toLayout(Layout.NCHW).data(), "batch " + b);
                assertArrayEquals(a.labels(), c.labels());
                assertEquals(b / 3, c.epoch());
                assertEquals((b / 3) / 10f + (b % 3) * 4, a.tensor().get(0, 0, 1, 2), 0f);
            }
            assertFalse(nhwc.hasNext(), "two epochs");
        }
        assertTrue(source.closed, "closing the loader closes the source");
    }

    /**
     * A loader closed on a cancelled thread (its interrupt flag set, as a job server's cancel(true) leaves it) still
     * stops its worker and closes the source, and hands the flag back set.
     */
    @Test
    void closingOnAnInterruptedThreadStillClosesTheSource() {
        Counting source = new Counting();
        BatchLoader loader = BatchLoader.of(source, Layout.NCHW, null, 2);
        loader.next();
        Thread.currentThread().interrupt();
        try {
            loader.close();
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt flag is kept");
        } finally {
            Thread.interrupted();
        }
        assertTrue(source.closed, "the source is closed");
        assertFalse(loader.workerAlive(), "the worker has stopped");
    }

    @Test
    void aResumedLoaderStartsWhereTheStateSaysAndRefusesAnotherSeed() {
        try (BatchLoader loader = BatchLoader.of(new Counting(), Layout.NCHW, new LoaderState(17, 1, 2, 4, 10), 3)) {
            Batch batch = loader.next();
            assertEquals(1, batch.epoch());
            assertEquals(2, batch.index());
            assertEquals(new LoaderState(17, 2, 0, 4, 10), loader.state());
        }
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.of(new Counting(), Layout.NCHW, new LoaderState(18, 0, 0, 4, 10), 1));
        assertTrue(seed.getMessage().contains("seed 18, the source has seed 17"), seed.getMessage());
        Counting source = new Counting();
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.of(source, Layout.NCHW, new LoaderState(17, 0, 0, 4, 11), 1));
        assertTrue(size.getMessage().contains("batch size 4 over 11 images"), size.getMessage());
        assertTrue(source.closed, "a refused source is closed too");
    }
}
