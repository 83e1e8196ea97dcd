package org.resnet4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.resnet4j.tensor.Layout;

/**
 * The batches of a {@link Dataset}, as a pure function of (epoch, batch). Training: epoch {@code e} visits the images in
 * the order of a permutation drawn from (seed, e), batch {@code k} takes positions {@code k * B .. k * B + B - 1} of it
 * (the last incomplete batch dropped), and each image is augmented by the draw for (seed, e, image). Evaluation: the
 * images in the data set's order, unaugmented, the last batch short. Then each image is normalized and written in the
 * batch's layout.
 *
 * <p>The images of a batch are read on {@code threads} threads, each its own contiguous slots with its own scratch,
 * so the values do not depend on the thread count and the steady state allocates no image arrays. {@link #fill} is for
 * one thread at a time (it keeps the epoch's permutation).
 */
final class DatasetBatches implements BatchSource, AutoCloseable {
    private final Dataset dataset;
    private final Normalization normalization;
    private final Augmentation augmentation;
    private final int batchSize;
    private final long seed;
    private final int side;
    private final int classes;
    private final int channelStride;
    private final int pixelStride;
    private final int[] order;
    private int orderEpoch = -1;
    private final byte[][] raw;
    private final byte[][] augmented;
    private final ForkJoinPool pool;

    /** @param augmentation the training augmentation, or null for an evaluation source */
    DatasetBatches(Dataset dataset, Normalization normalization, Augmentation augmentation, int batchSize, long seed,
                   Layout layout, int threads) {
        if (normalization.perPixel() && normalization.meanImageSize() != dataset.imageSize()) {
            throw new IllegalArgumentException("normalization: the per-pixel mean image is "
                    + normalization.meanImageSize() + "x" + normalization.meanImageSize() + ", the data set's images "
                    + dataset.imageSize() + "x" + dataset.imageSize());
        }
        this.dataset = dataset;
        this.normalization = normalization;
        this.augmentation = augmentation;
        this.batchSize = batchSize;
        this.seed = seed;
        this.side = dataset.imageSize();
        this.classes = dataset.classNames().size();
        this.channelStride = layout == Layout.NCHW ? side * side : 1;
        this.pixelStride = layout == Layout.NCHW ? 1 : Cifar10Dataset.CHANNELS;
        this.order = augmentation != null ? new int[dataset.size()] : null;
        this.raw = new byte[threads][dataset.imageBytes()];
        this.augmented = new byte[threads][augmentation != null ? dataset.imageBytes() : 0];
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int size() {
        return dataset.size();
    }

    @Override
    public int imageSize() {
        return side;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public int batchesPerEpoch() {
        int n = dataset.size();
        return augmentation != null ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public void fill(int epoch, int batch, Batch out) {
        if (order != null && orderEpoch != epoch) {
            Seeds.permutation(order, Seeds.random(seed, Seeds.SHUFFLE, epoch, 0));
            orderEpoch = epoch;
        }
        int length = out.size();
        int parts = Math.min(raw.length, length);
        if (parts <= 1) {
            fill(epoch, batch, out, 0, length, 0);
            return;
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < parts; t++) {
            int part = t;
            tasks.add(() -> {
                fill(epoch, batch, out, partStart(length, part, parts), partStart(length, part + 1, parts), part);
                return null;
            });
        }
        try {
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading batch " + batch + " of epoch " + epoch, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The first slot of part {@code part} of {@code parts}; in long, as {@code length * part} passes 2^31. */
    static int partStart(int length, int part, int parts) {
        return (int) ((long) length * part / parts);
    }

    /** Slots {@code from .. to - 1} of the batch, with scratch {@code part}. */
    private void fill(int epoch, int batch, Batch out, int from, int to, int part) {
        float[] images = out.images();
        int[] labels = out.labels();
        int values = dataset.imageBytes();
        for (int k = from; k < to; k++) {
            int position = batch * batchSize + k;
            int image = order != null ? order[position] : position;
            byte[] source = raw[part];
            dataset.readImage(image, source, 0);
            RandomCropFlip draw = augmentation != null ? augmentation.draw(seed, epoch, image) : null;
            if (draw != null) {
                draw.apply(source, 0, augmented[part], 0, side);
                source = augmented[part];
            }
            normalization.apply(source, 0, side, images, k * values, channelStride, pixelStride);
            int label = dataset.label(image);
            if (label < 0 || label >= classes) {
                throw new IllegalStateException(dataset + ": image " + image + " has label " + label + ", not one of "
                        + "the " + classes + " classes 0.." + (classes - 1));
            }
            labels[k] = label;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
