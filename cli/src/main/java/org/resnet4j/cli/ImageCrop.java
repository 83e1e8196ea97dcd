package org.resnet4j.cli;

import java.util.OptionalInt;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.ModelInputs;

/**
 * How an inference command prepares an image: its shorter side resized to {@code resize}, then center-cropped to
 * {@code size}. {@code --image-size} wins; else the size the weights record (fine-tuned at another size), else the
 * network family's (224 or 32). {@code --resize} wins; else 256/224 of the size for ImageNet networks (torchvision's V1
 * weights), the size itself for CIFAR ones, or as the weights record ({@value ModelWeights#RESIZE}: {@code train}'s).
 */
record ImageCrop(int size, int resize) {

    /** The two options as given, read before the weights are (a bad flag fails before a slow load). */
    record Options(OptionalInt size, OptionalInt resize) {
        static Options parse(Arguments args) {
            return new Options(args.has("image-size") ? OptionalInt.of(args.integer("image-size", 0, 1, Arguments.MAX_IMAGE_SIZE))
                    : OptionalInt.empty(), args.has("resize") ? OptionalInt.of(args.integer("resize", 0, 1, Arguments.MAX_IMAGE_SIZE))
                    : OptionalInt.empty());
        }

        ImageCrop resolve(String command, ResNet model, ModelWeights trained) {
            int side = size.orElse(trained.imageSizeIfRecorded().orElse(ModelInputs.defaultSize(model)));
            OptionalInt recordedResize = trained.resizeIfRecorded();
            // Weights that record how their training images were resized (train's: the whole image, to the crop's
            // side) are fed images so, in proportion at another --image-size; else torchvision's rule.
            int shorter = resize.orElse(recordedResize.isPresent()
                    ? (int) Math.round(side * (double) recordedResize.getAsInt()
                            / trained.imageSizeIfRecorded().orElse(ModelInputs.defaultSize(model)))
                    : ModelInputs.resizeFor(model, side));
            check(command, model, side, shorter);
            return new ImageCrop(side, shorter);
        }
    }

    private static void check(String command, ResNet model, int size, int resize) {
        if (resize < size) {
            throw new UsageException(command + ": --resize " + resize + " is smaller than the crop: "
                    + model.architecture().name() + " takes " + size + "x" + size + " images");
        }
    }
}
