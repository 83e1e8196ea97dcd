package org.resnet4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.RgbImage;

/**
 * Image files as a {@link Dataset} of one side S: each read decodes the file (by the folder's decoder), resizes it so
 * that its shorter side is S (or a given R >= S) and takes the centre S x S, as torchvision's {@code Resize(S)},
 * {@code CenterCrop(S)} do (an S x S image stays as it is). Nothing is cached: a read costs a decode, which is why loaders read the images of a
 * batch on several threads. Immutable; safe to share between threads.
 */
final class ImageFolderDataset implements Dataset {
    private final List<ImageFolder.Sample> samples;
    private final List<String> classNames;
    private final EvaluationTransform geometry;
    private final int size;
    private final ImageDecoder decoder;

    /** Each image's shorter side resized to {@code resize} (torchvision's 256 for a 224 crop), then the centre crop. */
    ImageFolderDataset(List<ImageFolder.Sample> samples, List<String> classNames, int resize, int size,
                       ImageDecoder decoder) {
        if (size < 1) {
            throw new IllegalArgumentException("image folder data set: image size must be >= 1, got " + size);
        }
        if (resize < size) {
            throw new IllegalArgumentException("image folder data set: the shorter side must be resized to at least "
                    + "the crop: resize " + resize + " < size " + size);
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("image folder data set: no images");
        }
        for (ImageFolder.Sample sample : samples) {
            if (sample.label() < 0 || sample.label() >= classNames.size()) {
                throw new IllegalArgumentException(sample.file() + ": label " + sample.label() + " is not one of the "
                        + classNames.size() + " classes");
            }
        }
        this.samples = List.copyOf(samples);
        this.classNames = List.copyOf(classNames);
        this.geometry = new EvaluationTransform(resize, size, null, null);
        this.size = size;
        this.decoder = decoder;
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return samples.get(index).label();
    }

    @Override
    public void readImage(int index, byte[] out, int offset) {
        ImageFolder.Sample sample = samples.get(index);
        RgbImage image;
        try {
            image = geometry.geometry(decoder.decode(sample.file()), sample.file().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        // Pillow's interleaved [S][S][3] to the data set's planes [3][S][S].
        byte[] hwc = image.pixels();
        int plane = size * size;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[offset + c * plane + p] = hwc[p * 3 + c];
            }
        }
    }

    /** A 64-bit FNV-1a hash of each image's label, file name and size in bytes, in order, with the image size. */
    @Override
    public Optional<String> fingerprint() {
        long hash = 0xcbf29ce484222325L;
        hash = mix(hash, Integer.toString(size));
        if (!decoder.appliesOrientation()) {
            // Other pixels from the same files; mixed in only then, so fingerprints saved before the choice existed hold.
            hash = mix(hash, "EXIF orientation ignored");
        }
        for (ImageFolder.Sample sample : samples) {
            long bytes;
            try {
                bytes = Files.size(sample.file());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            hash = mix(hash, sample.label() + "/" + sample.file().getFileName() + "/" + bytes);
        }
        return Optional.of(String.format("%016x", hash));
    }

    @Override
    public java.util.Map<String, String> weightsMetadata() {
        // Only the choice that is not the default: weights trained as before stay as they were.
        return decoder.appliesOrientation() ? java.util.Map.of()
                : java.util.Map.of(ImageDecoder.ORIENTATION_METADATA_KEY, decoder.orientationName());
    }

    private static long mix(long hash, String text) {
        for (byte b : (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return hash;
    }

    @Override
    public String toString() {
        return samples.size() + " image files at " + size + "x" + size;
    }
}
