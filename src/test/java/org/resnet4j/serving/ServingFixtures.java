package org.resnet4j.serving;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;

/**
 * The shipped ResNet-20, images for it, and the expected answers computed without the serving code: the pixels as
 * {@code value / 255f} through {@link Normalization#normalize}, one image at a time through a frozen network, softmax
 * and ranking as documented; and, for images of other sizes, the logits {@code classify} computes for the same file.
 * Public for the HTTP and command-line tests.
 */
public final class ServingFixtures {
    public static final Path WEIGHTS = Path.of("models", "resnet20-cifar10.safetensors");

    private ServingFixtures() {
    }

    /** The shipped ResNet-20 with its weights loaded. */
    public static ResNet shippedModel() {
        ResNet model = ResNets.create("resnet20");
        try {
            ModelWeights.load(model, WEIGHTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    /** The normalization recorded in the shipped weights. */
    public static Normalization shippedNormalization() {
        try {
            return ModelWeights.load(ResNets.create("resnet20"), WEIGHTS).normalization();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped ResNet-20, its normalization and the CIFAR-10 labels. */
    public static Predictor shippedPredictor() {
        return new Predictor(shippedModel(), shippedNormalization(), Labels.defaultFor(10));
    }

    /** Slots taken from a predictor, given back by {@link #close()}. */
    public interface HeldSlots extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes every decoding slot of {@code predictor}, as a burst of large images would, until closed (once). */
    public static HeldSlots holdDecoding(Predictor predictor) {
        int taken = predictor.decoding.drainPermits();
        AtomicBoolean held = new AtomicBoolean(true);
        return () -> {
            if (held.getAndSet(false)) {
                predictor.decoding.release(taken);
            }
        };
    }

    /**
     * {@code 3 * size * size} bytes in planes: a colour that differs per seed plus noise of +-60, so the network does
     * not give every image the same answer.
     */
    public static byte[] planes(int size, long seed) {
        return planes(size, size, seed);
    }

    /** As {@link #planes(int, long)} for a {@code width x height} image. */
    public static byte[] planes(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int plane = width * height;
        byte[] planes = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            int base = random.nextInt(256);
            for (int p = 0; p < plane; p++) {
                planes[c * plane + p] = (byte) Math.clamp(base + random.nextInt(-60, 61), 0, 255);
            }
        }
        return planes;
    }

    /** RGB planes as a PNG (8-bit RGB, lossless) or JPEG: format "png" or "jpg". */
    public static byte[] encode(byte[] planes, int size, String format) {
        return encode(planes, size, size, format);
    }

    /** As {@link #encode(byte[], int, String)} for a {@code width x height} image. */
    public static byte[] encode(byte[] planes, int width, int height, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        int plane = width * height;
        for (int p = 0; p < plane; p++) {
            int rgb = (planes[p] & 0xFF) << 16 | (planes[plane + p] & 0xFF) << 8 | (planes[2 * plane + p] & 0xFF);
            image.setRGB(p % width, p / width, rgb);
        }
        return write(image, format);
    }

    /** Any image through the JDK's writer for {@code format}. */
    public static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The network's input for RGB planes: each byte as {@code b / 255f}, then {@code normalization}. */
    public static float[] expectedInput(Normalization normalization, byte[] planes, int size) {
        float[] pixels = new float[planes.length];
        for (int i = 0; i < planes.length; i++) {
            pixels[i] = (planes[i] & 0xFF) / 255f;
        }
        return normalization.normalize(Tensor.wrap(pixels, 1, 3, size, size)).data();
    }

    /** The logits of one image alone, through the network frozen anew. */
    public static float[] directLogits(ResNet model, Normalization normalization, byte[] planes, int size) {
        float[] input = expectedInput(normalization, planes, size);
        return model.freeze().forward(Tensor.wrap(input, 1, 3, size, size)).data();
    }

    /**
     * The logits {@code classify} computes for an image file: {@link ModelInputs#load} with {@code resize} and the
     * network's own input size, through the network frozen anew.
     */
    public static float[] classifyLogits(ResNet model, Normalization normalization, Path file, int resize)
            throws IOException {
        Tensor input = ModelInputs.load(List.of(file), resize, normalization, ModelInputs.defaultSize(model));
        return model.freeze().forward(input).data();
    }

    /** A ranked class as the answer should carry it. */
    public record Expected(int index, float probability) {
    }

    /** Softmax in double with StrictMath.exp, rounded once; ranked by logit, equal logits by lower index. */
    public static List<Expected> expectedTop(float[] logits, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = StrictMath.exp(logits[i] - max);
            sum += e[i];
        }
        List<Expected> all = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            all.add(new Expected(i, (float) (e[i] / sum)));
        }
        all.sort((a, b) -> logits[a.index()] != logits[b.index()]
                ? Float.compare(logits[b.index()], logits[a.index()]) : Integer.compare(a.index(), b.index()));
        return all.subList(0, k);
    }
}
