package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.PngHeaders;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/**
 * Image bytes of any size to the input classify builds for the same file, a batch to the frozen network's logits,
 * every kind of bad image refused with its reason and a message that repeats nothing of the decoder's.
 */
class PredictorTest {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures", "images");
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

    /**
     * A converted torchvision file records no normalization: ImageNet's, in torchvision's float arithmetic. Resized to
     * 224, the crop itself, a 224x224 image keeps its pixels (the default, 256, would upscale it first).
     */
    @Test
    void imageNetWeightsWithoutNormalizationGetTorchvisionsStatistics() throws ImageRejectedException {
        Predictor predictor = new Predictor(ResNets.create("resnet18"), null, Labels.defaultFor(1000), 224,
                Predictor.DEFAULT_MAX_PIXELS);
        byte[] planes = ServingFixtures.planes(224, 5);
        float[] input = predictor.input(ServingFixtures.encode(planes, 224, "png"));

        int plane = 224 * 224;
        float[] mean = PixelTensors.imagenetMean();
        float[] std = PixelTensors.imagenetStd();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p += 997) {
                float expected = ((planes[c * plane + p] & 0xFF) / 255f - mean[c]) / std[c];
                assertEquals(expected, input[c * plane + p]);
            }
        }
    }

    /** Weights fine-tuned at another size are served at it: the input is that size, as classify makes it. */
    @Test
    void anotherImageSizeIsTheCropAndTheInput(@TempDir Path dir) throws Exception {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10), 48, 56,
                Predictor.DEFAULT_MAX_PIXELS);
        byte[] encoded = ServingFixtures.encode(ServingFixtures.planes(70, 9), 70, "png");
        float[] input = predictor.input(encoded);

        assertEquals(48, predictor.imageSize());
        assertEquals(3 * 48 * 48, predictor.inputLength().getAsInt());
        Path file = Files.write(dir.resolve("70x70.png"), encoded);
        assertArrayEquals(ModelInputs.load(List.of(file), 56, PER_CHANNEL, 48).data(), input);
    }

    /** A sideways JPEG (EXIF orientation 6) is turned upright unless the predictor's decoder keeps what is stored. */
    @Test
    void theDecoderGivenDecidesTheOrientation() throws Exception {
        Path file = Path.of("src", "test", "resources", "fixtures", "images", "exif6.jpg");
        byte[] encoded = Files.readAllBytes(file);
        ResNet model = ResNets.create("resnet20");
        Predictor upright = new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 32, 32,
                Predictor.DEFAULT_MAX_PIXELS);
        Predictor stored = new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 32, 32,
                Predictor.DEFAULT_MAX_PIXELS, ImageDecoder.ignoringOrientation());

        assertArrayEquals(ModelInputs.load(List.of(file), 32, PER_CHANNEL, 32).data(), upright.input(encoded));
        assertArrayEquals(ModelInputs.load(List.of(file), ImageDecoder.ignoringOrientation(), 32, PER_CHANNEL, 32)
                .data(), stored.input(encoded));
        assertFalse(Arrays.equals(upright.input(encoded), stored.input(encoded)));
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
        String message = assertReason(predictor, PngHeaders.claimingSize(100_000, 100_000),
                ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(message.contains("100000x100000") && message.contains("limit of 16777216"), message);
    }

    /**
     * Photos of any size, shape and kind (grey, palette, alpha, CMYK, progressive, EXIF-turned), a long narrow image,
     * one smaller than the crop: the same input, and the same logits bit for bit, as {@code classify} computes for the
     * file, at the default resize and at another.
     */
    @Test
    void anyImageGetsExactlyTheLogitsClassifyGivesItsFile(@TempDir Path dir) throws Exception {
        ResNet model = ServingFixtures.shippedModel();
        Normalization normalization = ServingFixtures.shippedNormalization();
        List<Path> files = new ArrayList<>();
        for (String name : new String[] {"rgb.png", "rgba.png", "grey.png", "palette.png", "baseline.jpg",
            "progressive.jpg", "grey.jpg", "cmyk.jpg", "exif6.jpg", "exif8.jpg"}) {
            files.add(FIXTURES.resolve(name));
        }
        files.add(Files.write(dir.resolve("small.png"),
                ServingFixtures.encode(ServingFixtures.planes(20, 14, 21), 20, 14, "png")));
        files.add(Files.write(dir.resolve("narrow.jpg"),
                ServingFixtures.encode(ServingFixtures.planes(9, 200, 22), 9, 200, "jpg")));
        for (int resize : new int[] {32, 40}) {
            Predictor predictor = new Predictor(model, normalization, Labels.defaultFor(10), resize,
                    Predictor.DEFAULT_MAX_PIXELS);
            for (Path file : files) {
                float[] expected = ServingFixtures.classifyLogits(model, normalization, file, resize);
                float[] logits = predictor.logits(List.of(predictor.input(Files.readAllBytes(file))))[0];
                assertArrayEquals(expected, logits, file + " at resize " + resize);
            }
        }
        // The resize is applied: another one gives another input.
        byte[] rgb = Files.readAllBytes(FIXTURES.resolve("rgb.png"));
        assertFalse(Arrays.equals(new Predictor(model, normalization, Labels.defaultFor(10)).input(rgb),
                new Predictor(model, normalization, Labels.defaultFor(10), 40, 1 << 20).input(rgb)));
    }

    /** An ImageNet network: upscaled to the default 256 (or V2's 232) and cropped to 224, as classify does. */
    @Test
    void imageNetInputsAreClassifysAtEitherResize() throws Exception {
        ResNet model = ResNets.create("resnet18");
        for (int resize : new int[] {256, 232}) {
            Predictor predictor = resize == 256 ? new Predictor(model, null, Labels.defaultFor(1000))
                    : new Predictor(model, null, Labels.defaultFor(1000), resize, Predictor.DEFAULT_MAX_PIXELS);
            assertEquals(resize, predictor.resize());
            for (String name : new String[] {"rgb.png", "exif6.jpg"}) {
                Path file = FIXTURES.resolve(name);
                assertArrayEquals(ModelInputs.load(List.of(file), resize, null, 224).data(),
                        predictor.input(Files.readAllBytes(file)), name + " at resize " + resize);
            }
        }
    }

    /**
     * Too many pixels, as stored or once resized, and none: refused from the header with the size and the limit. The
     * claimed images have no pixel data, so decoding one would have been refused as corrupt instead.
     */
    @Test
    void sizesBeyondTheLimitOrWithoutPixelsAreRefusedBeforeDecoding() throws Exception {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10), 32,
                64 * 64);
        assertEquals(64 * 64, predictor.maxPixels());
        String over = assertReason(predictor, PngHeaders.claimingSize(65, 64),
                ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(over.contains("65x64") && over.contains("4160") && over.contains("limit of 4096"), over);
        // At the limit: decoded (no pixel data here, so refused as corrupt only then), and a real one is taken.
        assertReason(predictor, PngHeaders.claimingSize(64, 64), ImageRejectedException.Reason.CORRUPT);
        assertEquals(3 * 32 * 32, predictor.input(ServingFixtures.encode(ServingFixtures.planes(64, 3), 64, "png"))
                .length);
        // 2 x 1,000 = 2,000 pixels, but resized to a shorter side of 32: 32 x 16,000.
        String narrow = assertReason(predictor, PngHeaders.claimingSize(2, 1000),
                ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(narrow.contains("2x1000") && narrow.contains("32x16000") && narrow.contains("limit of 4096"),
                narrow);
        for (int[] size : new int[][] {{0, 5}, {5, 0}, {0, 0}}) {
            String none = assertReason(predictor, PngHeaders.claimingSize(size[0], size[1]),
                    ImageRejectedException.Reason.WRONG_SIZE);
            assertTrue(none.contains(size[0] + "x" + size[1]) && none.contains("at least 1")
                    && none.contains("4096"), none);
        }
        // A JPEG whose frame header says height 0 (a DNL marker would give it, which no decoder here reads).
        byte[] jpeg = ServingFixtures.encode(ServingFixtures.planes(32, 8), 32, "jpg");
        int sof = frameHeader(jpeg);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0;
        String zeroHeight = assertReason(predictor, jpeg, ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(zeroHeight.contains("32x0"), zeroHeight);
        // The default limit, 4096x4096, on a file of a few dozen bytes claiming 4097x4096.
        String bomb = assertReason(ServingFixtures.shippedPredictor(), PngHeaders.claimingSize(4097, 4096),
                ImageRejectedException.Reason.WRONG_SIZE);
        assertTrue(bomb.contains("4097x4096") && bomb.contains("limit of 16777216"), bomb);
    }

    /** Where the baseline frame header (FFC0) of an ImageIO-written JPEG starts. */
    private static int frameHeader(byte[] jpeg) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                return i;
            }
        }
        throw new AssertionError("no SOF0 marker");
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

    /**
     * The deadline-taking input: the same input as without one when a decoding slot is free; a timeout once its time
     * is up while every slot is taken; an interrupt wakes it.
     */
    @Test
    void theWaitForADecodingSlotEndsAtItsTimeoutOrAnInterrupt() throws Exception {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), PER_CHANNEL, Labels.defaultFor(10));
        byte[] png = ServingFixtures.encode(ServingFixtures.planes(32, 4), 32, "png");
        assertArrayEquals(predictor.input(png), predictor.input(png, 10, TimeUnit.SECONDS));

        try (ServingFixtures.HeldSlots slots = ServingFixtures.holdDecoding(predictor)) {
            long start = System.nanoTime();
            assertThrows(TimeoutException.class, () -> predictor.input(png, 200, TimeUnit.MILLISECONDS));
            long waited = System.nanoTime() - start;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200) && waited < TimeUnit.SECONDS.toNanos(10),
                    "waited " + waited / 1e6 + " ms");

            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    predictor.input(png, 1, TimeUnit.HOURS);
                    ended.complete(null);
                } catch (Throwable t) {
                    ended.complete(t);
                }
            });
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            waiter.interrupt();
            assertInstanceOf(InterruptedException.class, ended.get(10, TimeUnit.SECONDS));
            // Refusals from the header need no slot.
            assertReason(predictor, new byte[0], ImageRejectedException.Reason.EMPTY);
        }
    }

    @Test
    void theResizeMustCoverTheCropAndTheLimitOneResizedImage() {
        ResNet model = ResNets.create("resnet20");
        Predictor defaults = new Predictor(model, PER_CHANNEL, Labels.defaultFor(10));
        assertEquals(32, defaults.resize());
        assertEquals(4096L * 4096, defaults.maxPixels());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 31, Predictor.DEFAULT_MAX_PIXELS));
        assertTrue(small.getMessage().contains("resize 31 is smaller than the crop")
                && small.getMessage().contains("32x32"), small.getMessage());
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 40, 40 * 40 - 1));
        assertTrue(few.getMessage().contains("1599") && few.getMessage().contains("40x40 = 1600"), few.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 32,
                ImageDecoder.MAX_PIXELS + 1));
        assertEquals(40 * 40, new Predictor(model, PER_CHANNEL, Labels.defaultFor(10), 40, 40 * 40).maxPixels());
    }
}
