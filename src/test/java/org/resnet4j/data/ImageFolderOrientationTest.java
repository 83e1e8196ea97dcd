package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.RgbImage;
import org.resnet4j.tensor.Layout;

/**
 * An image folder decodes its JPEGs by the decoder it was given: upright by their EXIF orientation by default, as
 * stored (torchvision's {@code ImageFolder}) when asked; the data set, the loaders and the fingerprint a resume checks
 * all follow it.
 */
class ImageFolderOrientationTest {
    /** Stored 75x50, orientation 6: 50x75 upright. */
    private static final Path ROTATED = Path.of("src", "test", "resources", "fixtures", "images", "exif6.jpg");
    private static final int SIDE = 16;
    private static final EvaluationTransform EVAL = new EvaluationTransform(20, SIDE, PixelTensors.imagenetMean(),
            PixelTensors.imagenetStd());

    @TempDir
    Path root;
    private ImageFolder folder;

    @BeforeEach
    void writeImages() throws IOException {
        for (String label : new String[] {"ants", "bees"}) {
            Files.createDirectories(root.resolve(label));
            Files.copy(ROTATED, root.resolve(label).resolve("photo.jpg"));
        }
        folder = ImageFolder.scan(root);
    }

    @Test
    void aScannedFolderTurnsJpegsUprightAndDecodedByKeepsTheListing() {
        assertEquals(ImageDecoder.standard().toString(), folder.decoder().toString());
        ImageFolder stored = folder.decodedBy(ImageDecoder.ignoringOrientation());
        assertFalse(stored.decoder().appliesOrientation());
        assertEquals(folder.samples(), stored.samples());
        assertEquals(folder.classNames(), stored.classNames());
        assertSame(folder.root(), stored.root());
    }

    @Test
    void theDatasetReadsThePixelsOfItsFoldersDecoder() throws IOException {
        byte[] upright = firstImage(folder.dataset(SIDE));
        byte[] stored = firstImage(folder.decodedBy(ImageDecoder.ignoringOrientation()).dataset(SIDE));
        assertArrayEquals(chw(ImageDecoder.standard().decode(ROTATED)), upright);
        assertArrayEquals(chw(ImageDecoder.ignoringOrientation().decode(ROTATED)), stored);
        assertFalse(Arrays.equals(upright, stored), "a rotated photograph gives other pixels either way");
    }

    @Test
    void evaluationLoadersDecodeWithTheDecoderGiven() throws IOException {
        List<ImageFolder.Sample> samples = folder.samples();
        float[] upright = firstBatch(BatchLoader.imageFolderEvaluation(samples, EVAL, 2, Layout.NCHW, 1));
        float[] stored = firstBatch(BatchLoader.imageFolderEvaluation(samples, ImageDecoder.ignoringOrientation(),
                EVAL, 2, Layout.NCHW, 1));
        RgbImage asStored = ImageDecoder.ignoringOrientation().decode(ROTATED);
        RgbImage asShown = ImageDecoder.standard().decode(ROTATED);
        assertArrayEquals(EVAL.batch(List.of(asShown, asShown)).data(), upright);
        assertArrayEquals(EVAL.batch(List.of(asStored, asStored)).data(), stored);
    }

    /** What trained weights record: nothing for the default, the choice when the stored pixels were read. */
    @Test
    void theDatasetSaysHowItsImagesWereReadForTheWeights() {
        assertEquals(java.util.Map.of(), folder.dataset(SIDE).weightsMetadata());
        Dataset stored = folder.decodedBy(ImageDecoder.ignoringOrientation()).dataset(SIDE);
        assertEquals(java.util.Map.of("exif_orientation", "ignore"), stored.weightsMetadata());
        assertEquals(stored.weightsMetadata(), stored.select(new int[] {1}).weightsMetadata(), "a split says so too");
        assertEquals("ignore", ImageDecoder.named("ignore").orientationName());
        assertEquals("apply", ImageDecoder.named("apply").orientationName());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.named("upright"));
        assertEquals("EXIF orientation must be apply or ignore, got 'upright'", e.getMessage());
    }

    /** A run started on upright images cannot resume on stored ones: its fingerprint differs. */
    @Test
    void theFingerprintSaysWhichPixelsTrained() throws IOException {
        String upright = folder.dataset(SIDE).fingerprint().orElseThrow();
        String stored = folder.decodedBy(ImageDecoder.ignoringOrientation()).dataset(SIDE).fingerprint().orElseThrow();
        assertNotEquals(upright, stored);
        assertEquals(upright, ImageFolder.scan(root).dataset(SIDE).fingerprint().orElseThrow());
    }

    private static byte[] firstImage(Dataset data) {
        byte[] bytes = new byte[data.imageBytes()];
        data.readImage(0, bytes, 0);
        return bytes;
    }

    private static float[] firstBatch(BatchLoader loader) {
        try (loader) {
            return loader.next().images().clone();
        }
    }

    /** torchvision's Resize(16), CenterCrop(16) of the decoded image, as the data set's CHW bytes. */
    private static byte[] chw(RgbImage decoded) {
        byte[] hwc = new EvaluationTransform(SIDE, SIDE, null, null).geometry(decoded).pixels();
        byte[] chw = new byte[hwc.length];
        for (int p = 0; p < SIDE * SIDE; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * SIDE * SIDE + p] = hwc[p * 3 + c];
            }
        }
        return chw;
    }
}
