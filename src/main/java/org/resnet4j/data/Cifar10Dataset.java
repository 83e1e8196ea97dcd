package org.resnet4j.data;

import java.util.List;
import java.util.Objects;

/**
 * A set of labelled CIFAR-10 images kept compactly as raw bytes: {@code N * 3072} unsigned pixels in CHW order (for
 * image {@code i}, channel {@code c} (R, G, B), row {@code y}, column {@code x}: byte
 * {@code i * 3072 + c * 1024 + y * 32 + x}) and {@code N} labels in {@code 0..9}. 50,000 images take 154 MB.
 *
 * <p>The accessors return the backing arrays, not copies (a copy of 154 MB per call would be absurd); callers must not
 * modify them. As a {@link Dataset}: 32x32 images, ten classes; safe to share between threads while nobody writes into
 * those arrays.
 */
public final class Cifar10Dataset implements Dataset {
    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    /** Pixels of one channel plane: 32 * 32. */
    public static final int PLANE = HEIGHT * WIDTH;
    /** Bytes of one image: 3 * 32 * 32. */
    public static final int IMAGE_BYTES = CHANNELS * PLANE;
    public static final int CLASSES = 10;

    private final byte[] pixels;
    private final byte[] labels;
    private final List<String> classNames;

    /**
     * @param pixels     {@code [N][3][32][32]} unsigned bytes, kept (not copied)
     * @param labels     {@code [N]}, each in {@code 0..9}, kept (not copied)
     * @param classNames the 10 class names, label order
     */
    public Cifar10Dataset(byte[] pixels, byte[] labels, List<String> classNames) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if ((long) labels.length * IMAGE_BYTES != pixels.length) {
            throw new IllegalArgumentException("dataset: " + labels.length + " labels need " + (long) labels.length
                    * IMAGE_BYTES + " pixel bytes (3 x 32 x 32 each), got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IllegalArgumentException("dataset: label of image " + i + " is " + labels[i]
                        + ", must be in 0.." + (CLASSES - 1));
            }
        }
        if (classNames.size() != CLASSES) {
            throw new IllegalArgumentException("dataset: expected " + CLASSES + " class names, got " + classNames);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /** Number of images N. */
    @Override
    public int size() {
        return labels.length;
    }

    /** 32. */
    @Override
    public int imageSize() {
        return HEIGHT;
    }

    /** Copies the 3072 bytes of {@code image}. */
    @Override
    public void readImage(int image, byte[] out, int offset) {
        System.arraycopy(pixels, offset(Objects.checkIndex(image, labels.length)), out, offset, IMAGE_BYTES);
    }

    /** {@code [N][3][32][32]} unsigned pixel bytes (read {@code b & 0xFF}); the backing array. */
    public byte[] pixels() {
        return pixels;
    }

    /** {@code [N]} labels in {@code 0..9}; the backing array. */
    public byte[] labels() {
        return labels;
    }

    @Override
    public int label(int image) {
        return labels[image];
    }

    /** Byte offset of {@code image} in {@link #pixels()}. */
    public static int offset(int image) {
        return image * IMAGE_BYTES;
    }

    /** The class names in label order ("airplane", "automobile", ...). */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** A new dataset holding copies of the given images, in the given order. */
    @Override
    public Cifar10Dataset select(int[] indices) {
        if (indices.length > Integer.MAX_VALUE / IMAGE_BYTES) {
            // indices.length * IMAGE_BYTES wrapped around: NegativeArraySizeException or a short array.
            throw new IllegalArgumentException("select: " + indices.length + " images of " + IMAGE_BYTES
                    + " bytes would exceed the largest Java array (2^31 - 1)");
        }
        byte[] selectedPixels = new byte[indices.length * IMAGE_BYTES];
        byte[] selectedLabels = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= labels.length) {
                throw new IndexOutOfBoundsException("select: index " + i + " (position " + k + ") is outside 0.."
                        + (labels.length - 1));
            }
            System.arraycopy(pixels, offset(i), selectedPixels, offset(k), IMAGE_BYTES);
            selectedLabels[k] = labels[i];
        }
        return new Cifar10Dataset(selectedPixels, selectedLabels, classNames);
    }

    /** Number of images of each class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[CLASSES];
        for (byte label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "Cifar10Dataset[" + size() + " images]";
    }
}
