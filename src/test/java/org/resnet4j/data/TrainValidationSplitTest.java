package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainValidationSplitTest {
    private final Cifar10Dataset all = Cifar10Fixtures.randomDataset(1000, 5);

    @Test
    void partsAreDisjointCoverEverythingAndHoldTheIndexedImages() {
        TrainValidationSplit split = TrainValidationSplit.of(all, 100, 7);

        assertEquals(900, split.train().size());
        assertEquals(100, split.validation().size());
        boolean[] seen = new boolean[all.size()];
        for (int[] part : new int[][] {split.trainIndices(), split.validationIndices()}) {
            for (int i : part) {
                assertFalse(seen[i], "image " + i + " is in both parts");
                seen[i] = true;
            }
        }
        int[] train = split.trainIndices();
        for (int k = 0; k < train.length; k++) {
            assertEquals(all.label(train[k]), split.train().label(k));
            assertArrayEquals(Arrays.copyOfRange(all.pixels(), Cifar10Dataset.offset(train[k]),
                    Cifar10Dataset.offset(train[k] + 1)), Arrays.copyOfRange(split.train().pixels(),
                    Cifar10Dataset.offset(k), Cifar10Dataset.offset(k + 1)));
        }
        int[] validation = split.validationIndices();
        assertEquals(all.label(validation[99]), split.validation().label(99));
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        int[] first = TrainValidationSplit.of(all, 100, 7).validationIndices();
        int[] again = TrainValidationSplit.of(all, 100, 7).validationIndices();
        int[] other = TrainValidationSplit.of(all, 100, 8).validationIndices();

        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
        // The held-out images are spread over the whole set, not a block.
        assertTrue(first[0] < 100 && first[99] > 900, Arrays.toString(first));
    }

    @Test
    void impossibleSizesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainValidationSplit.of(all, 1000, 1));
        assertTrue(e.getMessage().contains("0..999"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.of(all, -1, 1));
    }
}
