package org.resnet4j.data;

import java.util.Objects;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * One batch from a {@link BatchLoader}: {@code size} normalized images of {@code 3 x height x width} values and their
 * labels (CIFAR-10's are 32x32). Each batch has arrays of its own, exactly as long as its images need (the shorter last
 * batch of an evaluation epoch too): once {@link BatchLoader#next()} hands it out it is the caller's, and no later call
 * of the loader changes it, so batches may be kept (a validation set held in memory, say). Not thread-safe: while a
 * {@link BatchSource} fills it, several of the source's threads may write it at once, each its own slots (disjoint
 * {@link #put} calls), and the source hands it on only when every slot is written (waiting for those threads, which
 * publishes their writes); after {@link BatchLoader#next()} it is the caller's alone.
 */
public final class Batch {
    private final Layout layout;
    private final int height;
    private final int width;
    private final int imageValues;
    private final float[] images;
    private final int[] labels;
    private final int epoch;
    private final int index;

    /** An empty batch of CIFAR-10's size (the loader's end-of-queue marker). */
    Batch(int size, Layout layout) {
        this(size, Cifar10Dataset.HEIGHT, Cifar10Dataset.WIDTH, layout, 0, 0);
    }

    /** A batch of {@code size} images, all values zero, for batch {@code index} of {@code epoch}. */
    Batch(int size, int height, int width, Layout layout, int epoch, int index) {
        this.layout = layout;
        this.height = height;
        this.width = width;
        this.images = new float[Shape.batchLength("images", size, Cifar10Dataset.CHANNELS, height, width)];
        this.imageValues = Cifar10Dataset.CHANNELS * height * width;
        this.labels = new int[size];
        this.epoch = epoch;
        this.index = index;
    }

    /** Number of images B. */
    public int size() {
        return labels.length;
    }

    /**
     * The normalized images, {@code [B][3][H][W]} for {@link Layout#NCHW} or {@code [B][H][W][3]} for
     * {@link Layout#NHWC}: exactly {@code B * 3 * H * W} values. This batch's own array (not a copy).
     */
    public float[] images() {
        return images;
    }

    /** {@code [B]} class labels. This batch's own array (not a copy). */
    public int[] labels() {
        return labels;
    }

    /** The memory layout of {@link #images()}. */
    public Layout layout() {
        return layout;
    }

    /** The images as a tensor of logical shape {@code [B, 3, H, W]} sharing {@link #images()}. */
    public Tensor tensor() {
        return Tensor.wrap(images, Shape.of(size(), Cifar10Dataset.CHANNELS, height, width), layout);
    }

    /**
     * Writes image {@code slot} from {@code [3][H][W]} values of {@code chw} starting at {@code offset} (not modified),
     * in this batch's layout, and its label: for a {@link BatchSource} of your own.
     */
    public void put(int slot, float[] chw, int offset, int label) {
        Objects.checkIndex(slot, size());
        int plane = height * width;
        int to = slot * imageValues;
        if (layout == Layout.NCHW) {
            System.arraycopy(chw, offset, images, to, imageValues);
        } else {
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < Cifar10Dataset.CHANNELS; c++) {
                    images[to + p * Cifar10Dataset.CHANNELS + c] = chw[offset + c * plane + p];
                }
            }
        }
        labels[slot] = label;
    }

    /** The epoch this batch belongs to, from 0. */
    public int epoch() {
        return epoch;
    }

    /** This batch's position within its epoch, from 0. */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return "Batch[epoch " + epoch + ", batch " + index + ", " + size() + " images, " + layout + "]";
    }
}
