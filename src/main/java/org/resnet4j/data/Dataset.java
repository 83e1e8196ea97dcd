package org.resnet4j.data;

import java.util.List;

/**
 * A labelled set of square RGB images of one size, read by index: what a {@link BatchLoader} shuffles, augments,
 * normalizes and batches, and what {@code Training} trains on. CIFAR-10 ({@link Cifar10Dataset}) and image folders
 * ({@link ImageFolder#dataset(int)}) are data sets; so is any class of yours that implements these five methods, for
 * example images held in memory.
 *
 * <p>Images are 8-bit: image {@code i} is {@code 3 * S * S} unsigned bytes (read {@code b & 0xFF}, 0..255) in CHW
 * order, {@code S = imageSize()}: the red plane, then green, then blue, each row-major, so channel {@code c}, row
 * {@code y}, column {@code x} is byte {@code c * S * S + y * S + x}. Bytes rather than floats because they are what
 * image files and CIFAR-10 hold, and because normalization and augmentation are then the same exact arithmetic for
 * every data set. Labels are class indices in {@code 0 .. classNames().size() - 1}.
 *
 * <p>Thread safety: every method may be called from several threads at once (a loader reads the images of one batch
 * on several threads), and must return the same answer every time, so a resumed run sees the data an uninterrupted
 * one saw. An immutable data set satisfies both.
 */
public interface Dataset {
    /** Number of images N; at least 1. */
    int size();

    /** The side S of every image, in pixels: each image is S x S. */
    int imageSize();

    /** The class names in label order; at least one. */
    List<String> classNames();

    /** The class index of image {@code index}, in {@code 0 .. classNames().size() - 1}. */
    int label(int index);

    /**
     * Writes image {@code index} as {@code 3 * S * S} bytes, CHW as above, into {@code out} from {@code offset}.
     * {@code out} is the caller's: only those bytes are written. A data set that reads files throws an
     * {@link java.io.UncheckedIOException} whose message names the file.
     *
     * @throws IndexOutOfBoundsException when {@code index} is outside {@code 0 .. size() - 1}
     */
    void readImage(int index, byte[] out, int offset);

    /**
     * The images at {@code indices}, in that order, as a data set of their own (a view: nothing is copied, and it
     * reads through this one). For a split into training and validation images, or a subset to try things on.
     *
     * @throws IndexOutOfBoundsException naming the first index outside {@code 0 .. size() - 1}
     */
    default Dataset select(int[] indices) {
        return new SelectedImages(this, indices);
    }

    /**
     * A short text that changes when the images do, or empty when the data set cannot tell cheaply (then nothing is
     * compared). Training checkpoints record it and a resume refuses other data: an image folder whose files were
     * replaced, in the same numbers, would otherwise continue on the checkpoint's normalization and loader position
     * over other images. An image folder's is a hash of each file's class, name and size.
     */
    default java.util.Optional<String> fingerprint() {
        return java.util.Optional.empty();
    }

    /**
     * What a network trained on these images records in its weights about how they were read, beyond their size and
     * classes; empty by default. An image folder read with EXIF orientation ignored says so ({@code exif_orientation}
     * {@code ignore}), so that commands classifying images for that network read them the same way.
     */
    default java.util.Map<String, String> weightsMetadata() {
        return java.util.Map.of();
    }

    /** Bytes of one image: {@code 3 * S * S}. */
    default int imageBytes() {
        return 3 * imageSize() * imageSize();
    }
}
