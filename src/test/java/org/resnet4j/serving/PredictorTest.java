package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/**
 * Image bytes to the input the features command builds, a batch to the frozen network's logits, every kind of bad
 * image refused with its reason and a message that repeats nothing of the decoder's.
 */
class PredictorTest {
    private static final Normalization PER_CHANNEL = new Normalization(
            new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f});

    @Test
    void inputIsThePixelsInUnitRangeThenTheRecordedNormalization() throws ImageRejectedException {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10));
        byte[] planes = ServingFixtures.planes(32, 3);

        assertArrayEquals(ServingFixtures.expectedInput(PER_CHANNEL, planes, 32),
                predictor.input(ServingFixtures.encode(planes, 32, "png")));
    }

    @Test
    void perPixelMeanImagesApplyToo() throws ImageRejectedException {
        float[] mean = new float[3 * 1024];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (i % 251) / 251f;
        }
        Normalization perPixel = new Normalization(mean, new float[] {1, 1, 1});
        Predictor predictor = new Predictor(ResNets.create("resnet20"), perPixel, Labels.defaultFor(10));
        byte[] planes = ServingFixtures.planes(32, 4);

        assertArrayEquals(ServingFixtures.expectedInput(perPixel, planes, 32),
                predictor.input(ServingFixtures.encode(planes, 32, "png")));
    }

    /** A converted torchvision file records no normalization: ImageNet's, in torchvision's float arithmetic. */
    @Test
    void imageNetWeightsWithoutNormalizationGetTorchvisionsStatistics() throws ImageRejectedException {
        Predictor predictor = new Predictor(ResNets.create("resnet18"), null, Labels.defaultFor(1000));
        byte[] planes = ServingFixtures.planes(224, 5);
        float[] input = predictor.input(ServingFixtures.encode(planes, 224, "png"));

        int plane = 224 * 224;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p += 997) {
                float expected = ((planes[c * plane + p] & 0xFF) / 255f - PixelTensors.IMAGENET_MEAN[c])
                        / PixelTensors.IMAGENET_STD[c];
                assertEquals(expected, input[c * plane + p]);
            }
        }
    }

    @Test
    void logitsOfABatchAreEachImagesAlone() throws ImageRejectedException {
        ResNet model = ResNets.create("resnet20");
        Predictor predictor = new Predictor(model, PER_CHANNEL, Labels.defaultFor(10));
        byte[] a = ServingFixtures.planes(32, 5);
        byte[] b = ServingFixtures.planes(32, 6);
        float[][] logits = predictor.logits(List.of(predictor.input(ServingFixtures.encode(a, 32, "png")),
                predictor.input(ServingFixtures.encode(b, 32, "png"))));

        assertArrayEquals(ServingFixtures.directLogits(model, PER_CHANNEL, a, 32), logits[0]);
        assertArrayEquals(ServingFixtures.directLogits(model, PER_CHANNEL, b, 32), logits[1]);
    }

    @Test
    void badImagesAreRefusedWithTheirReason() {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10));
        byte[] png = ServingFixtures.encode(ServingFixtures.planes(32, 7), 32, "png");
        byte[] jpeg = ServingFixtures.encode(ServingFixtures.planes(32, 8), 32, "jpg");

        assertReason(predictor, new byte[0], ImageRejectedException.Reason.EMPTY);
        assertReason(predictor, "text".getBytes(), ImageRejectedException.Reason.NOT_AN_IMAGE);
        assertReason(predictor, Arrays.copyOf(png, png.length - 12), ImageRejectedException.Reason.CORRUPT);
        assertReason(predictor, Arrays.copyOf(jpeg, jpeg.length - 2), ImageRejectedException.Reason.CORRUPT);
        assertReason(predictor, Arrays.copyOf(jpeg, jpeg.length / 2), ImageRejectedException.Reason.CORRUPT);
        String message = assertReason(predictor, ServingFixtures.encode(ServingFixtures.planes(64, 9), 64, "png"),
                ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(message.contains("64x64") && message.contains("takes 32x32"), message);
    }

    /** Random damage to valid files: each either becomes an input or is refused; nothing else escapes. */
    @Test
    void damagedImagesAreRefusedNeverThrownThrough() {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10));
        SplittableRandom random = new SplittableRandom(11);
        int refused = 0;
        for (String format : new String[] {"png", "jpg"}) {
            byte[] valid = ServingFixtures.encode(ServingFixtures.planes(32, 12), 32, format);
            for (int trial = 0; trial < 1500; trial++) {
                byte[] damaged = valid.clone();
                for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    damaged = Arrays.copyOf(damaged, random.nextInt(1, damaged.length));
                }
                try {
                    assertEquals(3 * 32 * 32, predictor.input(damaged).length);
                } catch (ImageRejectedException expected) {
                    refused++;
                }
            }
        }
        assertTrue(refused > 1000, "most damaged files are refused, " + refused + " of 3000 were");
    }

    private static String assertReason(Predictor predictor, byte[] bytes, ImageRejectedException.Reason reason) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> predictor.input(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(!e.getMessage().contains("request body") && !e.getMessage().contains("Exception"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void labelsMustMatchTheClassesAndNormalizationMustSuitTheNetwork() {
        assertThrows(IllegalArgumentException.class,
                () -> new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(9)));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new Predictor(ResNets.create("resnet20"), null, Labels.defaultFor(10)));
        assertTrue(none.getMessage().contains("record no input normalization"), none.getMessage());
        Normalization perPixel = new Normalization(new float[3 * 1024], new float[] {1, 1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Predictor(ResNets.create("resnet18"), perPixel, Labels.defaultFor(1000)));
        assertTrue(e.getMessage().contains("per-pixel mean image is 32x32"), e.getMessage());
        assertEquals(224, new Predictor(ResNets.create("resnet18"), PER_CHANNEL, Labels.defaultFor(1000)).imageSize());
    }
}
