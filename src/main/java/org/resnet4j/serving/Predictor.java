package org.resnet4j.serving;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.ImageDecodingException;
import org.resnet4j.images.ImageHeader;
import org.resnet4j.images.Resize;
import org.resnet4j.images.RgbImage;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A trained network ready to answer: encoded image to the network's input, a batch of inputs to logits, logits to
 * ranked classes. Safe to share between threads: the network is frozen once and a frozen network may run many calls
 * at once, each in its own workspace, each returning logits of its own. {@link #input} may wait: at most one image per
 * core is decoded at a time.
 *
 * <p>The input is what {@code classify} builds from the same image file ({@link ModelInputs}): the image decoded
 * (JPEGs turned upright by their EXIF orientation, as a viewer shows them, unless the decoder given keeps the stored
 * pixels), its shorter side resized to
 * {@link #resize()}, center-cropped to {@link #imageSize()} (by default 32 for a CIFAR network, 224 for an ImageNet
 * one), the pixels as RGB in [0, 1] ({@code value / 255f}), then the normalization the weights record
 * ({@link Normalization#normalize}); weights that record none (a converted torchvision file) get torchvision's
 * ImageNet mean and std. An image of any size is taken, a smaller one upscaled; one whose header claims a width or
 * height of 0, or more than {@link #maxPixels()} pixels (as stored or once resized), is refused from the header,
 * before it is decoded.
 */
public final class Predictor implements BatchModel {
    private static final String SOURCE = "request body";
    /**
     * 4096x4096: a 12-megapixel phone photo (4032x3024) fits, and preparing an image that size allocates about 150 MB
     * (some 9 bytes a pixel: ImageIO's image, the RGB copy, the resize's passes), from a body of a few kilobytes.
     */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;

    private final String modelName;
    private final FrozenResNet network;
    private final Normalization normalization;
    private final Labels labels;
    private final int imageSize;
    private final int resize;
    private final long maxPixels;
    private final ImageDecoder decoder;
    /**
     * Decoding is CPU-bound, so more images at once than cores would only hold more memory: with this bound a burst of
     * requests each claiming {@code maxPixels} holds one such image per core, not one per request held. Not private:
     * tests take every slot, as such a burst would.
     */
    final Semaphore decoding = new Semaphore(Runtime.getRuntime().availableProcessors(), true);

    /**
     * The network family's defaults: images of its size (32 or 224), the shorter side resized to
     * {@link ModelInputs#resizeFor} (32 for a CIFAR network, 256 for an ImageNet one), EXIF orientation applied, at most
     * {@link #DEFAULT_MAX_PIXELS} pixels. That is how {@code classify} prepares images for weights that record none of
     * these (the shipped CIFAR weights, torchvision's). For weights that record an image size, a resize or an EXIF
     * choice ({@code train} on a folder, {@code finetune}, {@code --exif ignore}), pass them to the full constructor
     * ({@link org.resnet4j.io.ModelWeights#imageSizeIfRecorded}, {@code resizeIfRecorded}, {@code metadata()}), as
     * {@code serve} does: these defaults would prepare their images otherwise, silently.
     */
    public Predictor(ResNet model, Normalization normalization, Labels labels) {
        this(model, normalization, labels, ModelInputs.resizeFor(model, ModelInputs.defaultSize(model)),
                DEFAULT_MAX_PIXELS);
    }

    /** Images of the network family's size: 32 for a CIFAR network, 224 for an ImageNet one. */
    public Predictor(ResNet model, Normalization normalization, Labels labels, int resize, long maxPixels) {
        this(model, normalization, labels, ModelInputs.defaultSize(model), resize, maxPixels);
    }

    /**
     * @param model         the trained network, frozen here: later changes to it do not reach the predictor
     * @param normalization the one the weights record, or null for torchvision's ImageNet statistics (ImageNet
     *                      networks only: CIFAR networks have no standard normalization)
     * @param imageSize     the side of the square images the network takes (what it was trained on: its family's
     *                      size, or the size fine-tuned weights record)
     * @param resize        the shorter side before the center crop, at least {@code imageSize} (torchvision's V2
     *                      ImageNet weights are evaluated at 232, V1 at 256)
     * @param maxPixels     the most pixels an image may have, as its header claims them and once resized; at most
     *                      {@link ImageDecoder#MAX_PIXELS}
     */
    public Predictor(ResNet model, Normalization normalization, Labels labels, int imageSize, int resize,
                     long maxPixels) {
        this(model, normalization, labels, imageSize, resize, maxPixels, ImageDecoder.standard());
    }

    /**
     * As above, the request bodies decoded by {@code decoder}: {@link ImageDecoder#ignoringOrientation()} for a
     * network trained on images as torchvision's {@code ImageFolder} reads them (EXIF orientation not applied).
     */
    public Predictor(ResNet model, Normalization normalization, Labels labels, int imageSize, int resize,
                     long maxPixels, ImageDecoder decoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.modelName = model.architecture().name();
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be >= 1, got " + imageSize);
        }
        this.imageSize = imageSize;
        if (resize < imageSize) {
            throw new IllegalArgumentException("resize " + resize + " is smaller than the crop: " + modelName
                    + " takes " + imageSize + "x" + imageSize + " images");
        }
        if (maxPixels < (long) resize * resize || maxPixels > ImageDecoder.MAX_PIXELS) {
            throw new IllegalArgumentException("max pixels " + maxPixels + " must be at least one resized image, "
                    + resize + "x" + resize + " = " + (long) resize * resize + ", and at most the decoder's limit, "
                    + ImageDecoder.MAX_PIXELS);
        }
        this.resize = resize;
        this.maxPixels = maxPixels;
        if (labels.size() != model.classes()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + modelName + " with " + model.classes()
                    + " classes");
        }
        ModelInputs.normalizationFor(model, normalization, modelName);
        if (normalization != null && normalization.perPixel() && imageSize != normalization.meanImageSize()) {
            throw new IllegalArgumentException("the weights' per-pixel mean image is " + normalization.meanImageSize()
                    + "x" + normalization.meanImageSize() + ", but the images would be " + imageSize + "x" + imageSize);
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

    /** The shorter side of an image before the center crop to {@link #imageSize()}. */
    public int resize() {
        return resize;
    }

    /** The most pixels an image may claim in its header, and have once resized. */
    public long maxPixels() {
        return maxPixels;
    }

    public int classes() {
        return labels.size();
    }

    /**
     * The network's input for one encoded PNG or JPEG: {@code [3, imageSize, imageSize]}, row-major, exactly as
     * {@code classify} builds it for the same file ({@link ModelInputs#load} with the same resize). Waits while as many
     * images decode as there are cores.
     */
    public float[] input(byte[] encoded) throws ImageRejectedException {
        checkHeader(encoded);
        decoding.acquireUninterruptibly();
        try {
            return decode(encoded);
        } finally {
            decoding.release();
        }
    }

    /**
     * As {@link #input(byte[])}, waiting at most {@code timeout} while as many images decode as there are cores. The
     * decoding itself, bounded by {@link #maxPixels()}, is not cut short. A server uses this one, so that a burst of
     * large images cannot hold a request past its deadline, and a shutdown can wake a request that waits.
     *
     * @throws TimeoutException     if no decoding slot came free within {@code timeout}
     * @throws InterruptedException if the thread was interrupted while it waited
     */
    public float[] input(byte[] encoded, long timeout, TimeUnit unit)
            throws ImageRejectedException, TimeoutException, InterruptedException {
        checkHeader(encoded);
        if (!decoding.tryAcquire(timeout, unit)) {
            throw new TimeoutException("no decoding slot came free within " + unit.toMillis(timeout) + " ms");
        }
        try {
            return decode(encoded);
        } finally {
            decoding.release();
        }
    }

    /** Refuses, before anything is decoded, a body that is empty, not a PNG or JPEG, or of a size refused. */
    private void checkHeader(byte[] encoded) throws ImageRejectedException {
        if (encoded.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.EMPTY,
                    "the body is empty; send a PNG or JPEG image", null);
        }
        ImageHeader header;
        try {
            header = ImageHeader.read(encoded, SOURCE);
        } catch (ImageDecodingException e) {
            throw corrupt(e);
        }
        if (header == null) {
            throw new ImageRejectedException(ImageRejectedException.Reason.NOT_AN_IMAGE,
                    "the body is not a PNG or JPEG image", null);
        }
        checkSize(header.width(), header.height());
    }

    /** The input for a body whose header passed, a decoding slot held. */
    private float[] decode(byte[] encoded) throws ImageRejectedException {
        try {
            RgbImage image = decoder.decode(encoded, SOURCE);
            return ModelInputs.batch(List.of(image), resize, normalization, imageSize).data();
        } catch (ImageDecodingException e) {
            throw corrupt(e);
        }
    }

    private static ImageRejectedException corrupt(ImageDecodingException e) {
        return new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                "the image data is truncated or damaged", e);
    }

    /**
     * Refuses, from the header, an image without pixels or with more than {@link #maxPixels}, and one so long and
     * narrow that resizing its shorter side would make more than that many (a 1 x 16,000,000 image resized to 256
     * would be 4 billion pixels).
     */
    private void checkSize(int width, int height) throws ImageRejectedException {
        String size = "the image is " + width + "x" + height + " pixels";
        if (width == 0 || height == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.WRONG_SIZE, size
                    + "; width and height must be at least 1, and width x height at most " + maxPixels, null);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageRejectedException(ImageRejectedException.Reason.WRONG_SIZE, size + ", " + pixels
                    + " in all: more than the limit of " + maxPixels, null);
        }
        String problem = Resize.shorterSideProblem(width, height, resize, maxPixels);
        if (problem != null) {
            throw new ImageRejectedException(ImageRejectedException.Reason.WRONG_SIZE, problem, null);
        }
    }

    /** One forward pass over the inputs as a batch; safe to call from many threads at once. */
    @Override
    public float[][] logits(List<float[]> inputs) {
        int n = inputs.size();
        int inputSize = 3 * imageSize * imageSize;
        float[] batch = new float[Shape.batchLength("inputs", n, 3, imageSize, imageSize)];
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

    /** {@code 3 * imageSize * imageSize}: the length of every input {@link #logits} takes. */
    @Override
    public OptionalInt inputLength() {
        return OptionalInt.of(3 * imageSize * imageSize);
    }

    /** The {@code k} most probable classes for one row of logits. */
    public Prediction rank(float[] logits, int k) {
        return Prediction.of(logits, labels, k);
    }
}
