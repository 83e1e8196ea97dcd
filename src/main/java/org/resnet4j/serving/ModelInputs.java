package org.resnet4j.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.Resize;
import org.resnet4j.images.RgbImage;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Tensor;

/**
 * Images to the batch a model takes, as the model was trained: an ImageNet network gets torchvision's evaluation
 * transform (shorter side to {@code size * 256 / 224}, center crop {@code size}), a CIFAR network the image resized and
 * center-cropped to {@code size} (nothing changes for an image of that size already); then the normalization the
 * weights record, or ImageNet's mean and std (float arithmetic, as torchvision) when they record none. The one place
 * that rule lives: {@code classify}, {@code features} and the {@link Predictor} of {@code serve} all use it.
 *
 * <p>Stateless: safe to call from several threads at once; each call returns a new tensor, the caller's.
 */
public final class ModelInputs {
    private ModelInputs() {
    }

    /** The default input side of {@code model}'s family: 224 for ImageNet networks, 32 for CIFAR ones. */
    public static int defaultSize(ResNet model) {
        return model.architecture().family().imageSize();
    }

    /**
     * The normalization {@code model}'s inputs get: {@code recorded}, the one its weights record, or null for
     * torchvision's ImageNet statistics, which only an ImageNet network may fall back to. A CIFAR network has no
     * standard normalization, so without a recorded one it is refused rather than fed images it never saw the like of.
     *
     * @param source how the error names the weights
     */
    public static Normalization normalizationFor(ResNet model, Normalization recorded, String source) {
        if (recorded == null && !imagenet(model)) {
            throw new IllegalArgumentException(source + ": the weights record no input normalization, and a CIFAR "
                    + "network (" + model.architecture().name() + ") has no standard one; weights written by 'train' "
                    + "record theirs, and 'convert --mean R,G,B --std R,G,B' records it in converted PyTorch weights");
        }
        return recorded;
    }

    static boolean imagenet(ResNet model) {
        return model.architecture().family() == Architecture.Family.IMAGENET;
    }

    /** Image files decoded (EXIF orientation applied) into {@code [N, 3, size, size]}, in the order given. */
    public static Tensor load(List<Path> files, ResNet model, Normalization recorded, int size) throws IOException {
        return load(files, resizeFor(model, size), recorded, size);
    }

    /**
     * As {@link #load(List, ResNet, Normalization, int)} with the shorter side resized to {@code resize} before the
     * center crop (torchvision's V2 ImageNet weights are evaluated at 232 for a 224 crop, V1 at 256).
     */
    public static Tensor load(List<Path> files, int resize, Normalization recorded, int size) throws IOException {
        return load(files, ImageDecoder.standard(), resize, recorded, size);
    }

    /** As {@link #load(List, int, Normalization, int)}, the files decoded by {@code decoder}. */
    public static Tensor load(List<Path> files, ImageDecoder decoder, int resize, Normalization recorded, int size)
            throws IOException {
        if (resize < size) {
            throw new IllegalArgumentException("the shorter side must be resized to at least the crop: resize "
                    + resize + " < size " + size);
        }
        List<RgbImage> images = new ArrayList<>();
        for (Path file : files) {
            RgbImage image = decoder.decode(file);
            Resize.checkShorterSide(image, resize, file.toString()); // here, where the file's name is known
            images.add(image);
        }
        return batch(images, resize, recorded, size);
    }

    /** The shorter side before the center crop: {@code size * 256 / 224} for ImageNet networks, else {@code size}. */
    public static int resizeFor(ResNet model, int size) {
        return imagenet(model) ? (int) Math.round(size * 256.0 / 224) : size;
    }

    /**
     * {@code images}, shorter side resized to {@code resize} and center-cropped to {@code size}, as
     * {@code [N, 3, size, size]}; {@code recorded} null for ImageNet's statistics.
     */
    public static Tensor batch(List<RgbImage> images, int resize, Normalization recorded, int size) {
        EvaluationTransform transform = recorded == null
                ? new EvaluationTransform(resize, size, PixelTensors.imagenetMean(), PixelTensors.imagenetStd())
                : new EvaluationTransform(resize, size, null, null);
        Tensor pixels = transform.batch(images);
        return recorded == null ? pixels : recorded.normalize(pixels);
    }
}
