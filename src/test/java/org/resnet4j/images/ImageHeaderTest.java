package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Format and size from the header alone, equal to what decoding gives; broken PNG chunks refused. */
class ImageHeaderTest {

    @Test
    void theHeaderGivesTheSizeDecodingGives() throws IOException {
        for (String name : concat(ImageFixtures.PNG, ImageFixtures.JPEG)) {
            byte[] bytes = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve(name));
            ImageHeader header = ImageHeader.read(bytes, name);
            RgbImage image = ImageDecoder.ignoringOrientation().decode(bytes, name);

            assertEquals(name.endsWith(".png") ? "png" : "jpeg", header.format(), name);
            assertEquals(image.width(), header.width(), name);
            assertEquals(image.height(), header.height(), name);
        }
    }

    @Test
    void otherBytesHaveNoHeader() throws ImageDecodingException {
        assertNull(ImageHeader.read(new byte[0], "empty"));
        assertNull(ImageHeader.read("GIF89a".getBytes(StandardCharsets.US_ASCII), "gif"));
        assertNull(ImageHeader.read(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "short"));
    }

    /** 57 bytes claiming 100,000 x 100,000 pixels: the size is known, nothing was decoded. */
    @Test
    void aHugeClaimedSizeIsReadWithoutDecoding() throws ImageDecodingException {
        ImageHeader header = ImageHeader.read(PngHeaders.claimingSize(100_000, 100_000), "huge");
        assertEquals(new ImageHeader("png", 100_000, 100_000), header);
    }

    /**
     * A width or height of 0 is reported as claimed (ImageIO's readers only fail on it), so that a server can refuse it
     * by its size: a PNG's IHDR, a JPEG's frame header whose height would come from a DNL marker.
     */
    @Test
    void aClaimedWidthOrHeightOfZeroIsReported() throws IOException {
        assertEquals(new ImageHeader("png", 0, 7), ImageHeader.read(PngHeaders.claimingSize(0, 7), "no width"));
        assertEquals(new ImageHeader("png", 7, 0), ImageHeader.read(PngHeaders.claimingSize(7, 0), "no height"));
        byte[] jpeg = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"));
        int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
        byte[] noHeight = jpeg.clone();
        noHeight[sof + 5] = 0;
        noHeight[sof + 6] = 0;
        assertEquals(new ImageHeader("jpeg", 43, 0), ImageHeader.read(noHeight, "no height"));
        byte[] noWidth = jpeg.clone();
        noWidth[sof + 7] = 0;
        noWidth[sof + 8] = 0;
        assertEquals(new ImageHeader("jpeg", 0, 64), ImageHeader.read(noWidth, "no width"));
        // A negative width is no size at all: the reader's refusal stands.
        assertThrows(ImageDecodingException.class, () -> ImageHeader.read(PngHeaders.claimingSize(-1, 7), "negative"));
    }

    /** The frame-header scan behind the zero check reads what ImageIO reads, past EXIF, comments, tables, profiles. */
    @Test
    void theFrameHeaderScanFindsImageIosSize() throws IOException {
        for (String name : ImageFixtures.JPEG) {
            byte[] bytes = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve(name));
            assertEquals(ImageHeader.read(bytes, name), ImageHeader.jpegSize(bytes), name);
        }
        byte[] jpeg = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("progressive.jpg"));
        for (int cut = 2; cut < indexOf(jpeg, (byte) 0xFF, (byte) 0xC2) + 9; cut++) {
            assertNull(ImageHeader.jpegSize(Arrays.copyOf(jpeg, cut)), "cut at " + cut);
        }
    }

    private static int indexOf(byte[] bytes, byte first, byte second) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == first && bytes[i + 1] == second) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(second & 0xFF));
    }

    @Test
    void aPngCutAnywhereIsRefusedEvenAfterItsPixels() throws IOException {
        byte[] png = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("rgb.png"));
        // Cut before IEND: every pixel is there, and the JDK's decoder alone would take the file as whole.
        for (int cut : new int[] {8, 20, 33, png.length / 2, png.length - 12, png.length - 1}) {
            ImageDecodingException e = assertThrows(ImageDecodingException.class,
                    () -> ImageHeader.read(Arrays.copyOf(png, cut), "cut"));
            assertTrue(e.getMessage().startsWith("cut: "), e.getMessage());
        }
        // The decoder makes the same check for every caller (ImageIO alone would take this file as whole).
        assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.ignoringOrientation().decode(Arrays.copyOf(png, png.length - 12), "decoder"));
    }

    @Test
    void aDamagedPngChunkFailsItsCrc() throws IOException {
        byte[] png = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("rgb.png"));
        png[png.length / 2] ^= 0x01;
        ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> ImageHeader.read(png, "damaged"));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void aJpegCutBeforeItsSizeIsRefused() throws IOException {
        byte[] jpeg = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"));
        assertThrows(ImageDecodingException.class, () -> ImageHeader.read(Arrays.copyOf(jpeg, 20), "cut"));
    }

    private static List<String> concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all;
    }
}
