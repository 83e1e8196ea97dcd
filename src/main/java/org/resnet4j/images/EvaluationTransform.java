package org.resnet4j.images;

import java.util.List;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * torchvision's ImageNet evaluation transform, {@code Resize(resize) -> CenterCrop(crop) -> ToTensor ->
 * Normalize(mean, std)}, for any sizes; {@code mean} and {@code std} null stop after {@code ToTensor} (pixels in
 * [0, 1]); a mean of 3 x crop x crop values is a per-pixel mean image ({@link PixelTensors#write}). Immutable; safe to
 * share between threads.
 *
 * @param resize the shorter side after resizing (torchvision: 256), or 0 to skip the resize
 * @param crop   the side of the square center crop (torchvision: 224)
 */
public record EvaluationTransform(int resize, int crop, float[] mean, float[] std) {

    public EvaluationTransform {
        if (resize < 0 || crop < 1) {
            throw new IllegalArgumentException("evaluation transform: resize must be >= 0 and crop >= 1, got resize "
                    + resize + " crop " + crop);
        }
        PixelTensors.checkNormalization("evaluation transform", crop, mean, std);
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
    }

    /** The normalization's mean (3 values, or a mean image), or null: a copy, the caller's. */
    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    /** The normalization's 3 standard deviations, or null: a copy, the caller's. */
    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** Equal transforms are equal by value (a record compares array components by identity otherwise). */
    @Override
    public boolean equals(Object other) {
        return other instanceof EvaluationTransform t && resize == t.resize && crop == t.crop
                && java.util.Arrays.equals(mean, t.mean) && java.util.Arrays.equals(std, t.std);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(resize, crop, java.util.Arrays.hashCode(mean), java.util.Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "EvaluationTransform[resize=" + resize + ", crop=" + crop + ", mean=" + (mean == null ? "none"
                : mean.length + " values") + ", std=" + java.util.Arrays.toString(std) + "]";
    }

    /** torchvision's transform for its ImageNet weights: 256, 224, ImageNet's mean and std. */
    public static EvaluationTransform imagenet() {
        return new EvaluationTransform(256, 224, PixelTensors.imagenetMean(), PixelTensors.imagenetStd());
    }

    /** The geometric part: the resized, center-cropped image. */
    public RgbImage geometry(RgbImage image) {
        RgbImage resized = resize > 0 ? Resize.shorterSide(image, resize) : image;
        return Resize.centerCrop(resized, crop, crop);
    }

    /**
     * As {@link #geometry(RgbImage)}, refusing by name an image too long and narrow to resize
     * ({@link Resize#checkShorterSide}).
     *
     * @param source how the error names the image (its file)
     */
    public RgbImage geometry(RgbImage image, String source) throws ImageDecodingException {
        if (resize > 0) {
            Resize.checkShorterSide(image, resize, source);
        }
        return geometry(image);
    }

    /** One image as a {@code [1, 3, crop, crop]} tensor. */
    public Tensor apply(RgbImage image) {
        return batch(List.of(image));
    }

    /** Images as one {@code [N, 3, crop, crop]} tensor, in the order given. */
    public Tensor batch(List<RgbImage> images) {
        int plane = crop * crop;
        float[] out = new float[Shape.batchLength("images", images.size(), 3, crop, crop)];
        for (int i = 0; i < images.size(); i++) {
            PixelTensors.write(geometry(images.get(i)), mean, std, out, i * 3 * plane);
        }
        return Tensor.wrap(out, images.size(), 3, crop, crop);
    }
}
