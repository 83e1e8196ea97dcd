package org.resnet4j.spark;

import java.util.SplittableRandom;

/**
 * Random images of any size for the benchmark (record = its own index): each pixel of record i drawn from a stream
 * seeded by (seed, i), the label i mod classes. Another {@link TrainingInput} than CIFAR-10's, at ImageNet's size.
 */
final class SyntheticInput implements TrainingInput<Long> {
    private final int size;
    private final int classes;

    SyntheticInput(int size, int classes) {
        this.size = size;
        this.classes = classes;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public int label(Long record) {
        return (int) (record % classes);
    }

    @Override
    public void write(Long record, long index, long seed, int epoch, float[] out, int offset) {
        SplittableRandom random = new SplittableRandom(seed * 0x9e3779b97f4a7c15L + index);
        for (int i = 0; i < sampleSize(); i++) {
            out[offset + i] = (float) random.nextGaussian();
        }
    }
}
