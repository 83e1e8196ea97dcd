package org.resnet4j.testing;

import java.util.SplittableRandom;

/** Random test inputs from a seed, so a failure can be replayed. */
public final class RandomArrays {
    private RandomArrays() {
    }

    /** Values uniform in [-1, 1). */
    public static float[] uniform(SplittableRandom random, int length) {
        return uniform(random, length, -1f, 1f);
    }

    public static float[] uniform(SplittableRandom random, int length, float low, float high) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return values;
    }

    public static int[] labels(SplittableRandom random, int length, int classes) {
        int[] labels = new int[length];
        for (int i = 0; i < length; i++) {
            labels[i] = random.nextInt(classes);
        }
        return labels;
    }
}
