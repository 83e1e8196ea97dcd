package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks on the real CIFAR-10 training files, skipped (with the reason) when they are not next to the project. */
class Cifar10RealDataTest {
    private static Cifar10Dataset data;

    @BeforeAll
    static void readOnce() throws IOException {
        data = new Cifar10Reader().readTraining(Cifar10Fixtures.sharedCifar10OrSkip());
    }

    @Test
    void fiftyThousandRecordsFiveThousandPerClass() {
        assertEquals(50_000, data.size());
        assertArrayEquals(new int[] {5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000}, data.classCounts());
        assertEquals(Cifar10Fixtures.CLASS_NAMES, data.classNames());
    }

    @Test
    void channelStatisticsMatchThePublishedFigures() {
        Normalization stats = Normalization.perChannel(data);
        double[] mean = {125.307, 122.950, 113.865};
        double[] std = {62.993, 62.089, 66.705};
        for (int c = 0; c < 3; c++) {
            // The figures are rounded to 3 decimals in 0..255 units.
            assertEquals(mean[c], stats.mean()[c] * 255.0, 0.002, "mean of channel " + c);
            assertEquals(std[c], stats.std()[c] * 255.0, 0.002, "std of channel " + c);
        }
    }

    @Test
    void paperSplitHoldsOutFiveThousandImagesOfEveryClass() {
        TrainValidationSplit split = TrainValidationSplit.paper(data, 1);
        assertEquals(45_000, split.train().size());
        assertEquals(5_000, split.validation().size());
        int[] counts = split.validation().classCounts();
        for (int c = 0; c < 10; c++) {
            // A uniform random 10 % sample: 500 per class, binomial sd about 21.
            assertTrue(counts[c] > 400 && counts[c] < 600, "validation images of class " + c + ": " + counts[c]);
        }
    }
}
