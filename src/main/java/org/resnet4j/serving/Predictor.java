package org.resnet4j.serving;

import java.util.Arrays;
import java.util.List;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.ImageDecodingException;
import org.resnet4j.images.ImageHeader;
import org.resnet4j.images.RgbImage;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Tensor;

/**
 * A trained network ready to answer: encoded image to the network's input, a batch of inputs to logits, logits to
 * ranked classes. Safe to share between threads: the network is frozen once and a frozen network may run many calls
 * at once, each in its own workspace, each returning logits of its own.
 *
 * <p>The input is what the {@code features} command builds from an image file: the pixels as RGB in [0, 1]
 * ({@code value / 255f}), then the normalization the weights record ({@link Normalization#normalize}); weights that
 * record none (a converted torchvision file) get torchvision's ImageNet mean and std. A CIFAR network takes 32x32
 * images, an ImageNet network 224x224; other sizes are refused from the image's header, before it is decoded (no
 * resizing yet). JPEGs are turned upright by their EXIF orientation, as a viewer shows them.
 */
public final class Predictor implements BatchModel {
    private static final int CIFAR_SIZE = 32;
    private static final int IMAGENET_SIZE = 224;
    private static final String SOURCE = "request body";

    private final String modelName;
    private final FrozenResNet network;
    private final Normalization normalization;
    private final Labels labels;
    private final int imageSize;
    private final ImageDecoder decoder = ImageDecoder.standard();

    /**
     * @param model         the trained network, frozen here: later changes to it do not reach the predictor
     * @param normalization the one the weights record, or null for torchvision's ImageNet statistics (ImageNet
     *                      networks only: CIFAR networks have no standard normalization)
     */
    public Predictor(ResNet model, Normalization normalization, Labels labels) {
        this.modelName = model.architecture().name();
        boolean cifar = model.architecture().family() == Architecture.Family.CIFAR;
        this.imageSize = cifar ? CIFAR_SIZE : IMAGENET_SIZE;
        if (labels.size() != model.classes()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + modelName + " with " + model.classes()
                    + " classes");
        }
        if (normalization == null && cifar) {
            throw new IllegalArgumentException(modelName + ": the weights record no input normalization, and a CIFAR "
                    + "network has no standard one; weights written by 'train' record theirs");
        }
        if (normalization != null && normalization.perPixel() && imageSize != CIFAR_SIZE) {
            throw new IllegalArgumentException("a per-pixel mean image is 32x32, but " + modelName + " takes "
                    + imageSize + "x" + imageSize + " images");
        }
        this.normalization = normalization;
        this.labels = labels;
        this.network = model.freeze();
    }

    public String modelName() {
        return modelName;
    }

    /** The width and height of the images the network takes. */
    public int imageSize() {
        return imageSize;
    }

    public int classes() {
        return labels.size();
    }

    /** The network's input for one encoded PNG or JPEG: {@code [3, imageSize, imageSize]}, row-major. */
    public float[] input(byte[] encoded) throws ImageRejectedException {
        if (encoded.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.EMPTY,
                    "the body is empty; send a PNG or JPEG image", null);
        }
        RgbImage image;
        try {
            ImageHeader header = ImageHeader.read(encoded, SOURCE);
            if (header == null) {
                throw new ImageRejectedException(ImageRejectedException.Reason.NOT_AN_IMAGE,
                        "the body is not a PNG or JPEG image", null);
            }
            if (header.width() != imageSize || header.height() != imageSize) {
                throw new ImageRejectedException(ImageRejectedException.Reason.WRONG_SIZE, "the image is "
                        + header.width() + "x" + header.height() + " pixels; this model takes " + imageSize + "x"
                        + imageSize, null);
            }
            image = decoder.decode(encoded, SOURCE);
        } catch (ImageDecodingException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                    "the image data is truncated or damaged", e);
        }
        // The image has the network's size already (checked above): resized and cropped to that size it stays as it is,
        // so the transform only converts and normalizes.
        return ModelInputs.batch(List.of(image), imageSize, normalization, imageSize).data();
    }

    /** One forward pass over the inputs as a batch; safe to call from many threads at once. */
    @Override
    public float[][] logits(List<float[]> inputs) {
        int n = inputs.size();
        int inputSize = 3 * imageSize * imageSize;
        float[] batch = new float[n * inputSize];
        for (int i = 0; i < n; i++) {
            float[] input = inputs.get(i);
            if (input.length != inputSize) {
                throw new IllegalArgumentException("input " + i + " has " + input.length + " values, expected "
                        + inputSize + " (3x" + imageSize + "x" + imageSize + ")");
            }
            System.arraycopy(input, 0, batch, i * inputSize, inputSize);
        }
        float[] logits = network.forward(Tensor.wrap(batch, n, 3, imageSize, imageSize)).data();
        int classes = labels.size();
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
        }
        return rows;
    }

    /** The {@code k} most probable classes for one row of logits. */
    public Prediction rank(float[] logits, int k) {
        return Prediction.of(logits, labels, k);
    }
}
