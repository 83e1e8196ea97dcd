package org.resnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.RgbImage;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Tensor;

/**
 * Image files to the batch a model takes, as the model was trained: an ImageNet network gets torchvision's evaluation
 * transform (shorter side to {@code size * 256 / 224}, center crop {@code size}), a CIFAR network the 32x32 image
 * (resized and center-cropped if it is another size); then the normalization the weights record, or ImageNet's mean
 * and std when they record none (a converted torchvision file).
 */
final class ImageInputs {
    private ImageInputs() {
    }

    /** The default input side of {@code model}'s family: 224 for ImageNet networks, 32 for CIFAR ones. */
    static int defaultSize(ResNet model) {
        return model.architecture().family() == Architecture.Family.IMAGENET ? 224 : 32;
    }

    /** {@code [N, 3, size, size]} in the order the files were given. */
    static Tensor load(List<Path> files, ResNet model, Normalization recorded, int size) throws IOException {
        boolean imagenet = model.architecture().family() == Architecture.Family.IMAGENET;
        int resize = imagenet ? (int) Math.round(size * 256.0 / 224) : size;
        boolean torchvisionNormalization = recorded == null;
        EvaluationTransform transform = torchvisionNormalization
                ? new EvaluationTransform(resize, size, PixelTensors.IMAGENET_MEAN, PixelTensors.IMAGENET_STD)
                : new EvaluationTransform(resize, size, null, null);
        ImageDecoder decoder = ImageDecoder.standard();
        List<RgbImage> images = new ArrayList<>();
        for (Path file : files) {
            images.add(decoder.decode(file));
        }
        Tensor pixels = transform.batch(images);
        return torchvisionNormalization ? pixels : recorded.normalize(pixels);
    }
}
