package org.resnet4j.data;

import java.util.Objects;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * One batch from a {@link BatchLoader}: {@code size} normalized images of {@code 3 x height x width} values and their
 * labels (CIFAR-10's are 32x32). The arrays belong to the loader and are reused: they are valid until the next call to
 * {@link BatchLoader#next()} or {@link BatchLoader#close()}. One thread at a time: the loader's while a
 * {@link BatchSource} fills it, the consumer's once {@link BatchLoader#next()} handed it out.
 *
 * <p>A batch holds arrays for a full batch and, made on first need, for the shorter last batch of an evaluation
 * epoch, so {@link #images()} always has exactly {@code size * 3 * height * width} values and steady state allocates
 * nothing.
 */
public final class Batch {
    private final Layout layout;
    private final int height;
    private final int width;
    private final int imageValues;
    private final float[] fullImages;
    private final int[] fullLabels;
    private float[] tailImages;
    private int[] tailLabels;
    private float[] images;
    private int[] labels;
    private int epoch;
    private int index;

    Batch(int capacity, Layout layout) {
        this(capacity, Cifar10Dataset.HEIGHT, Cifar10Dataset.WIDTH, layout);
    }

    Batch(int capacity, int height, int width, Layout layout) {
        this.layout = layout;
        this.height = height;
        this.width = width;
        this.imageValues = Cifar10Dataset.CHANNELS * height * width;
        this.fullImages = new float[capacity * imageValues];
        this.fullLabels = new int[capacity];
        this.images = fullImages;
        this.labels = fullLabels;
    }

    /** Makes this batch hold {@code size} images for batch {@code index} of {@code epoch}. */
    void prepare(int size, int epoch, int index) {
        if (size == fullLabels.length) {
            images = fullImages;
            labels = fullLabels;
        } else {
            if (tailLabels == null || tailLabels.length != size) {
                tailImages = new float[size * imageValues];
                tailLabels = new int[size];
            }
            images = tailImages;
            labels = tailLabels;
        }
        this.epoch = epoch;
        this.index = index;
    }

    /** Number of images B. */
    public int size() {
        return labels.length;
    }

    /**
     * The normalized images, {@code [B][3][H][W]} for {@link Layout#NCHW} or {@code [B][H][W][3]} for
     * {@link Layout#NHWC}: exactly {@code B * 3 * H * W} values. The loader's array, not a copy.
     */
    public float[] images() {
        return images;
    }

    /** {@code [B]} class labels. The loader's array, not a copy. */
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
