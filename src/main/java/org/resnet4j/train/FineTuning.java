package org.resnet4j.train;

import java.nio.file.Path;
import org.resnet4j.images.ImageDecoder;

/**
 * What a fine-tuning run is set up from. {@link #defaults} is a common transfer-learning recipe: 10 epochs, batch 32,
 * learning rate 0.01 on a cosine schedule, momentum 0.9, weight decay 1e-4, a tenth of each class held out.
 *
 * @param model              the architecture of the pretrained weights ({@code resnet50}, {@code resnet20}, ...)
 * @param weights            the pretrained weights: safetensors or a PyTorch checkpoint
 * @param data               an image folder, {@code data/<class>/<image>}
 * @param imageSize          the side of the network's input; 0 for the size the weights record, else the family's
 *                           (224 ImageNet, 32 CIFAR)
 * @param freezeBackbone     train only the new classifier (much cheaper steps)
 * @param validationFraction the share of each class held out for validation, in [0, 1)
 * @param threads            kernel threads, 0 for the pool's default
 * @param applyExifOrientation JPEGs turned upright by their EXIF orientation, as a viewer shows them (the default);
 *                           false keeps the stored pixels, as torchvision's {@code ImageFolder} reads them
 */
public record FineTuning(String model, Path weights, Path data, int epochs, int batchSize, double learningRate,
                         int imageSize, boolean freezeBackbone, double validationFraction, long seed,
                         Path checkpointDirectory, boolean resume, int threads, boolean applyExifOrientation) {

    public FineTuning {
        if (epochs < 1 || batchSize < 2 || !(learningRate > 0) || imageSize < 0 || threads < 0
                || !(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("fine-tuning: epochs >= 1, batch >= 2, learning rate > 0, image size and "
                    + "threads >= 0, validation fraction in [0, 1); got " + this);
        }
    }

    /** JPEGs turned upright by their EXIF orientation. */
    public FineTuning(String model, Path weights, Path data, int epochs, int batchSize, double learningRate,
                      int imageSize, boolean freezeBackbone, double validationFraction, long seed,
                      Path checkpointDirectory, boolean resume, int threads) {
        this(model, weights, data, epochs, batchSize, learningRate, imageSize, freezeBackbone, validationFraction, seed,
                checkpointDirectory, resume, threads, true);
    }

    public static FineTuning defaults(String model, Path weights, Path data, Path checkpointDirectory) {
        return new FineTuning(model, weights, data, 10, 32, 0.01, 0, false, 0.1, 0L, checkpointDirectory, false, 0);
    }

    /** The images' decoder this recipe asks for. */
    public ImageDecoder decoder() {
        return applyExifOrientation ? ImageDecoder.standard() : ImageDecoder.ignoringOrientation();
    }
}
