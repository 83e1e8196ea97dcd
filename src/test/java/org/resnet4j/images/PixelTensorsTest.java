package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.data.Normalization;

/** ToTensor + Normalize with a per-pixel mean image (the paper's CIFAR input), as fine-tuning applies it to files. */
class PixelTensorsTest {
    private static final int SIZE = 32;

    @Test
    void aPerPixelMeanImageNormalizesEachPixelByItsOwnMean() {
        SplittableRandom random = new SplittableRandom(1);
        byte[] rgb = new byte[SIZE * SIZE * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) random.nextInt(256);
        }
        float[] mean = new float[3 * SIZE * SIZE];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) random.nextDouble();
        }
        float[] std = {1f, 0.5f, 0.25f};
        float[] out = new float[3 * SIZE * SIZE];

        PixelTensors.write(new RgbImage(SIZE, SIZE, rgb), mean, std, out, 0);

        // The data pipeline's own normalization (double arithmetic, bytes in CHW order) within a float rounding.
        byte[] chw = new byte[rgb.length];
        for (int p = 0; p < SIZE * SIZE; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * SIZE * SIZE + p] = rgb[p * 3 + c];
            }
        }
        float[] reference = new float[out.length];
        new Normalization(mean, std).apply(chw, 0, SIZE, reference, 0, SIZE * SIZE, 1);
        for (int i = 0; i < out.length; i++) {
            assertEquals(reference[i], out[i], 1e-6f * Math.max(1f, Math.abs(reference[i])), "value " + i);
        }
        int c = 2;
        int p = 5 * SIZE + 7;
        assertEquals(((rgb[p * 3 + c] & 0xFF) / 255f - mean[c * SIZE * SIZE + p]) / std[c], out[c * SIZE * SIZE + p]);
    }

    @Test
    void aMeanImageOfAnotherSizeIsRefusedNamingBoth() {
        float[] mean = new float[3 * SIZE * SIZE];
        float[] std = {1f, 1f, 1f};
        IllegalArgumentException write = assertThrows(IllegalArgumentException.class,
                () -> PixelTensors.write(new RgbImage(40, 40, new byte[40 * 40 * 3]), mean, std, new float[4800], 0));
        assertTrue(write.getMessage().contains("3072 values does not fit a 40x40 image"), write.getMessage());

        new EvaluationTransform(SIZE, SIZE, mean, std);
        new TrainingTransform(SIZE, 0.5, 1.0, 0.75, 4.0 / 3, mean, std);
        IllegalArgumentException evaluation = assertThrows(IllegalArgumentException.class,
                () -> new EvaluationTransform(48, 40, mean, std));
        assertTrue(evaluation.getMessage().contains("per-pixel mean image of 3 x 40 x 40; got mean 3072 values"),
                evaluation.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingTransform(40, 0.5, 1.0, 0.75, 4.0 / 3, mean,
                std));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationTransform(SIZE, SIZE, mean, null));
    }

    /** ImageNet's statistics are the caller's copy: writing one changes no later normalization. */
    @Test
    void imageNetStatisticsAreTheCallersCopy() {
        float[] mean = PixelTensors.imagenetMean();
        float[] std = PixelTensors.imagenetStd();
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(std, 1);
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, PixelTensors.imagenetMean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, PixelTensors.imagenetStd());
    }

    /**
     * The transforms hand out copies of their normalization: a caller writing one changes no transform, which other
     * threads may be using. Two transforms of the same values are equal.
     */
    @Test
    void transformsAreImmutableAndEqualByValue() {
        EvaluationTransform evaluation = EvaluationTransform.imagenet();
        evaluation.mean()[0] = 9f;
        evaluation.std()[0] = 9f;
        assertEquals(EvaluationTransform.imagenet(), evaluation);
        assertArrayEquals(PixelTensors.imagenetMean(), evaluation.mean());
        assertEquals(EvaluationTransform.imagenet().hashCode(), evaluation.hashCode());

        TrainingTransform training = TrainingTransform.imagenet(64);
        training.mean()[1] = 9f;
        training.std()[1] = 9f;
        assertEquals(TrainingTransform.imagenet(64), training);
        assertArrayEquals(PixelTensors.imagenetStd(), training.std());
        assertTrue(!TrainingTransform.imagenet(64).equals(TrainingTransform.imagenet(32)));
    }
}
