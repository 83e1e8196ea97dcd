package org.resnet4j.data;

import org.resnet4j.tensor.Layout;

/**
 * The contents of every batch, as a pure function of (epoch, batch): epoch {@code e} visits the images in the order
 * of a permutation drawn from (seed, e) (or in file order without shuffling); batch {@code k} takes positions
 * {@code k * B .. k * B + B - 1} of that order; each image is cropped and flipped by the draw for (seed, e, image)
 * (when augmenting), then normalized and written in the requested layout.
 *
 * <p>Not thread-safe: it keeps the current epoch's permutation and one image of scratch, so a loader's steady state
 * allocates no arrays.
 */
final class Cifar10Batches implements BatchSource {
    private final Cifar10Dataset dataset;
    private final Normalization normalization;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean augment;
    private final boolean dropLast;
    private final long seed;
    private final int channelStride;
    private final int pixelStride;
    private final int[] order;
    private int orderEpoch = -1;
    private final byte[] scratch = new byte[Cifar10Dataset.IMAGE_BYTES];

    Cifar10Batches(Cifar10Dataset dataset, Normalization normalization, int batchSize, boolean shuffle,
            boolean augment, boolean dropLast, long seed, Layout layout) {
        this.dataset = dataset;
        this.normalization = normalization;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.augment = augment;
        this.dropLast = dropLast;
        this.seed = seed;
        this.channelStride = layout == Layout.NCHW ? Cifar10Dataset.PLANE : 1;
        this.pixelStride = layout == Layout.NCHW ? 1 : Cifar10Dataset.CHANNELS;
        this.order = shuffle ? new int[dataset.size()] : null;
    }

    @Override
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public int batchLength(int batch) {
        return Math.min(batchSize, dataset.size() - batch * batchSize);
    }

    @Override
    public void fill(int epoch, int batch, Batch out) {
        if (shuffle && orderEpoch != epoch) {
            Seeds.permutation(order, Seeds.random(seed, Seeds.SHUFFLE, epoch, 0));
            orderEpoch = epoch;
        }
        int start = batch * batchSize;
        int length = batchLength(batch);
        out.prepare(length, epoch, batch);
        float[] images = out.images();
        int[] labels = out.labels();
        byte[] pixels = dataset.pixels();
        for (int k = 0; k < length; k++) {
            int image = shuffle ? order[start + k] : start + k;
            byte[] source = pixels;
            int offset = Cifar10Dataset.offset(image);
            if (augment) {
                RandomCropFlip.forImage(seed, epoch, image).apply(pixels, offset, scratch, 0);
                source = scratch;
                offset = 0;
            }
            normalization.apply(source, offset, images, k * Cifar10Dataset.IMAGE_BYTES, channelStride, pixelStride);
            labels[k] = dataset.label(image);
        }
    }
}
