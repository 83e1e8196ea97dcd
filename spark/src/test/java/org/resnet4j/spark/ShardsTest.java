package org.resnet4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.resnet4j.data.Batch;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.tensor.Layout;

class ShardsTest {
    static byte[] record(Cifar10Dataset dataset, int i) {
        byte[] record = new byte[Cifar10Input.RECORD_BYTES];
        record[0] = (byte) dataset.label(i);
        System.arraycopy(dataset.pixels(), Cifar10Dataset.offset(i), record, 1, Cifar10Dataset.IMAGE_BYTES);
        return record;
    }

    @Test
    void oneWorkerSeesExactlyTheSingleProcessLoadersBatches() {
        Cifar10Dataset dataset = Fixtures.dataset(50, 3);
        Normalization normalization = Normalization.perChannel(dataset);
        Cifar10Input input = new Cifar10Input(normalization);
        int batch = 8;
        long seed = 42;
        Shards shards = new Shards(dataset.size(), 1, batch);
        assertEquals(6, shards.stepsPerEpoch());
        try (BatchLoader loader = BatchLoader.training(dataset, normalization).batchSize(batch).seed(seed)
                .layout(Layout.NHWC).build()) {
            for (int step = 0; step < 14; step++) { // two epochs and a bit: the epoch orders change
                Batch expected = loader.next();
                int epoch = step / shards.stepsPerEpoch();
                int[] order = shards.order(seed, epoch, 0);
                float[] images = new float[batch * 3072];
                int[] labels = new int[batch];
                for (int k = 0; k < batch; k++) {
                    int image = order[(step % shards.stepsPerEpoch()) * batch + k];
                    input.write(record(dataset, image), image, seed, epoch, images, k * 3072);
                    labels[k] = input.label(record(dataset, image));
                }
                assertArrayEquals(expected.images(), images, "step " + step);
                assertArrayEquals(expected.labels(), labels, "step " + step);
            }
        }
    }

    @Test
    void shardsAreDisjointAndEachEpochVisitsEveryImageOfAShardOnce() {
        Shards shards = new Shards(103, 3, 5);
        assertEquals(34, shards.shardSize());
        assertEquals(6, shards.stepsPerEpoch());
        assertEquals(-1, shards.owner(102));
        assertEquals(2, shards.owner(101));
        assertEquals(1, shards.owner(34));
        for (int epoch = 0; epoch < 3; epoch++) {
            int[][] orders = new int[3][];
            for (int r = 0; r < 3; r++) {
                orders[r] = shards.order(9, epoch, r);
                int[] sorted = orders[r].clone();
                Arrays.sort(sorted);
                for (int i = 0; i < sorted.length; i++) {
                    assertEquals(i, sorted[i]);
                }
            }
            assertTrue(!Arrays.equals(orders[0], shards.order(9, epoch + 1, 0)), "a new order every epoch");
        }
    }

    /**
     * An input in class order (an image folder lists one class after another): every worker gets an equal part of
     * every class, as DistributedSampler's {@code indices[rank::K]} gives it. Contiguous shards gave worker 0 only
     * the first classes, so its per-replica batch norm saw class-skewed batches and the model's running statistics
     * (worker 0's) were those of some classes only.
     */
    @Test
    void anInputInClassOrderGivesEveryWorkerAnEqualPartOfEveryClass() {
        int classes = 4;
        int perClass = 30;
        int workers = 3;
        Shards shards = new Shards((long) classes * perClass, workers, 4);
        int[][] counts = new int[workers][classes];
        for (long index = 0; index < (long) classes * perClass; index++) {
            int owner = shards.owner(index);
            counts[owner][(int) (index / perClass)]++;
            assertEquals(index, shards.index(owner, shards.local(index)));
        }
        for (int r = 0; r < workers; r++) {
            assertArrayEquals(new int[] {10, 10, 10, 10}, counts[r], "worker " + r + "'s images of each class");
        }
    }

    @Test
    void aDataSetTooSmallForTheBatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Shards(30, 4, 8));
        assertEquals("a data set of 30 records gives each of 4 workers 7 records, fewer than its batch of 8",
                e.getMessage());
    }

    @Test
    void aBatchThatDoesNotDivideAmongTheWorkersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistributedConfig.defaults("resnet20", 2).withBatch(15));
        assertEquals("the global batch of 15 images does not divide among 2 workers: each worker takes an equal "
                + "share (globalBatch / workers images per step), so the batch must be a multiple of the worker count",
                e.getMessage());
    }
}
