package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.io.SafeTensorsFile;

/**
 * Every kind of PNG and JPEG decodes to what Pillow's {@code convert("RGB")} gives (after {@code exif_transpose} for
 * JPEG orientations); every bad file is refused with its name and the problem.
 */
class ImageDecoderTest {
    /**
     * The JDK's JPEG decoder (IJG libjpeg 6b) and Pillow's (libjpeg-turbo) round a few inverse-DCT and colour
     * conversion results differently on some files: on these, measured 0 (identical bytes, CMYK included); 2 leaves
     * room for other encoders' files.
     */
    private static final int JPEG_TOLERANCE = 2;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rgb.png", "rgba.png", "grey.png", "palette.png"})
    void pngDecodesToPillowsBytes(String file) throws IOException {
        SafeTensorsFile expected = ImageFixtures.expected();
        RgbImage decoded = ImageDecoder.standard().decode(ImageFixtures.DIRECTORY.resolve(file));
        assertArrayEquals(ImageFixtures.image(expected, file + ".rgb").pixels(), decoded.pixels(), file);
    }

    /**
     * Colour types and bit depths the photographs do not cover (src/test/python/make_png_variant_fixtures.py), each
     * against Pillow's convert("RGB"). A 16-bit grey PNG is Pillow's mode "I", whose conversion clips every value
     * above 255 to 255 instead of taking the high byte as it does for 16-bit RGB and grey + alpha.
     */
    @ParameterizedTest
    @ValueSource(strings = {"grey16.png", "grey16_trns.png", "greya16.png", "rgb16.png", "rgba16.png", "grey1.png",
        "grey2.png", "grey4.png", "palette_trns.png", "rgb_trns.png", "grey_trns.png", "interlaced.png"})
    void pngVariantsDecodeToPillowsBytes(String file) throws IOException {
        Path variants = ImageFixtures.DIRECTORY.resolve("png_variants");
        SafeTensorsFile expected = org.resnet4j.io.SafeTensors.read(variants.resolve("expected.safetensors"));
        RgbImage decoded = ImageDecoder.standard().decode(variants.resolve(file));
        assertArrayEquals(ImageFixtures.image(expected, file + ".rgb").pixels(), decoded.pixels(), file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"baseline.jpg", "progressive.jpg", "grey.jpg", "subsampled.jpg", "exif3.jpg", "exif6.jpg",
        "exif8.jpg", "cmyk.jpg"})
    void jpegDecodesWithinARoundingOfPillow(String file) throws IOException {
        SafeTensorsFile expected = ImageFixtures.expected();
        RgbImage decoded = ImageDecoder.standard().decode(ImageFixtures.DIRECTORY.resolve(file));
        RgbImage pillow = ImageFixtures.image(expected, file + ".rgb");
        int max = ImageFixtures.maxDifference(pillow, decoded);
        assertTrue(max <= JPEG_TOLERANCE, file + ": largest difference " + max);
    }

    /** Orientation 6 is stored 90 degrees off: standard() turns it upright, ignoringOrientation() keeps it. */
    @Test
    void exifOrientationIsAppliedUnlessIgnored() throws IOException {
        Path file = ImageFixtures.DIRECTORY.resolve("exif6.jpg");
        RgbImage upright = ImageDecoder.standard().decode(file);
        RgbImage stored = ImageDecoder.ignoringOrientation().decode(file);
        assertEquals("50x75", upright.width() + "x" + upright.height());
        assertEquals("75x50", stored.width() + "x" + stored.height());
        assertEquals(1, ExifOrientation.of(Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"))));
        assertEquals(6, ExifOrientation.of(Files.readAllBytes(file)));
    }

    @Test
    void badFilesAreRefusedNamingFileAndProblem() throws IOException {
        ImageDecoder decoder = ImageDecoder.standard();
        assertRefused(decoder, write("empty.png", new byte[0]), "not a PNG or JPEG image (empty)");
        assertRefused(decoder, write("text.jpg", "hello, world".getBytes()), "not a PNG or JPEG image (starts with "
                + "bytes 68656c6c6f2c2077)");
        assertRefused(decoder, dir.resolve("absent.png"), "no such file");
        assertRefused(decoder, Files.createDirectory(dir.resolve("folder.png")), "is a directory, not a file");
        for (String name : new String[] {"rgb.png", "baseline.jpg", "progressive.jpg"}) {
            byte[] whole = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve(name));
            Path cut = write("cut-" + name, Arrays.copyOf(whole, whole.length / 3));
            ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> decoder.decode(cut));
            assertTrue(e.getMessage().startsWith(cut + ": ") && (e.getMessage().contains("cannot decode the ")
                    || e.getMessage().contains("truncated")), e.getMessage());
        }
    }

    /**
     * A file that cannot be read is refused with the reason: an AccessDeniedException's message is the bare path, and
     * callers (image folders) show only the message, so "error: data/cat/3.jpg" said nothing of permissions.
     */
    @Test
    void anUnreadableFileIsRefusedSayingPermissionDenied() throws IOException {
        Path file = write("locked.png", Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("rgb.png")));
        assumeTrue(Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class),
                "POSIX permissions");
        Files.setPosixFilePermissions(file, Set.of());
        try {
            assumeFalse(Files.isReadable(file), "the file stays readable (running as root?)");
            assertRefused(ImageDecoder.standard(), file, "cannot read: permission denied");
        } finally {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Any other failure to read the file names the file and the file system's reason, even as root. */
    @Test
    void aPathThroughARegularFileIsRefusedWithTheReason() throws IOException {
        Path file = write("plain.png", new byte[] {1, 2, 3});
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.standard().decode(file.resolve("inside.png")));
        assertTrue(e.getMessage().startsWith(file.resolve("inside.png") + ": cannot read: "), e.getMessage());
        assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
    }

    /** A PNG cut right after its pixel data (no IEND) decodes in ImageIO as if whole: refused here. */
    @Test
    void aPngWithoutItsEndIsRefused() throws IOException {
        byte[] png = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("rgb.png"));
        Path cut = write("no-end.png", Arrays.copyOf(png, png.length - 12)); // IEND is the last 12 bytes
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.standard().decode(cut));
        assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
    }

    /**
     * Bytes between the end of the last scan and the end-of-image marker (libjpeg: "extraneous bytes before marker
     * 0xd9") come after every pixel: Pillow reads such a file to the same pixels,
     * and so does this decoder. Damage inside the scan data is still refused (see badFilesAreRefused...).
     */
    @ParameterizedTest
    @ValueSource(strings = {"baseline.jpg", "progressive.jpg"})
    void junkBeforeTheEndOfImageMarkerIsReadAsPillowReadsIt(String name) throws IOException {
        byte[] whole = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve(name));
        byte[] junk = new byte[whole.length + 4];
        System.arraycopy(whole, 0, junk, 0, whole.length - 2);
        junk[whole.length - 2] = 0x00;
        junk[whole.length - 1] = 0x11;
        junk[whole.length] = 0x22;
        junk[whole.length + 1] = 0x33;
        junk[whole.length + 2] = (byte) 0xFF; // EOI
        junk[whole.length + 3] = (byte) 0xD9;
        RgbImage expected = ImageDecoder.standard().decode(whole, name);
        RgbImage decoded = ImageDecoder.standard().decode(write("junk-" + name, junk));
        assertArrayEquals(expected.pixels(), decoded.pixels(), name);
    }

    /**
     * A marker may be preceded by any number of 0xFF fill bytes (JPEG's B.1.1.2); Pillow and libjpeg skip them. The
     * EXIF orientation and an ICC profile behind one must still be found: exif6.jpg with a fill byte before its first
     * marker after SOI is turned upright as without it (Pillow: 50x75 after exif_transpose).
     */
    @Test
    void fillBytesBeforeAMarkerDoNotHideTheExifOrientation() throws IOException {
        byte[] exif6 = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("exif6.jpg"));
        RgbImage expected = ImageDecoder.standard().decode(exif6, "exif6.jpg");
        RgbImage decoded = ImageDecoder.standard().decode(withFillByteAfterSoi(exif6), "filled.jpg");
        assertEquals("50x75", decoded.width() + "x" + decoded.height());
        assertArrayEquals(expected.pixels(), decoded.pixels());
    }

    /** A linear-RGB profile that the JDK would apply (far from the stored values) is ignored behind a fill byte too. */
    @Test
    void fillBytesBeforeAMarkerDoNotHideAColourProfile() throws IOException {
        byte[] baseline = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"));
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        java.io.ByteArrayOutputStream app2 = new java.io.ByteArrayOutputStream();
        byte[] tag = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int length = 2 + tag.length + 2 + profile.length;
        app2.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
        app2.writeBytes(tag);
        app2.writeBytes(new byte[] {1, 1}); // chunk 1 of 1
        app2.writeBytes(profile);
        byte[] profiled = new byte[baseline.length + app2.size()];
        System.arraycopy(baseline, 0, profiled, 0, 2);
        System.arraycopy(app2.toByteArray(), 0, profiled, 2, app2.size());
        System.arraycopy(baseline, 2, profiled, 2 + app2.size(), baseline.length - 2);

        RgbImage expected = ImageDecoder.standard().decode(baseline, "baseline.jpg");
        assertArrayEquals(expected.pixels(), ImageDecoder.standard().decode(profiled, "profiled.jpg").pixels());
        assertArrayEquals(expected.pixels(),
                ImageDecoder.standard().decode(withFillByteAfterSoi(profiled), "filled.jpg").pixels());
    }

    /**
     * An orientation written as a LONG (type 4) instead of a SHORT: Pillow reads the value by its type, 6 in either byte
     * order (exif_transpose: 64x43 from 43x64). Read as a SHORT, a big-endian LONG's first half is 0, taken as upright.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anOrientationStoredAsALongIsReadByItsType(boolean bigEndian) throws IOException {
        java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(26)
                .order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) (bigEndian ? 'M' : 'I')).put((byte) (bigEndian ? 'M' : 'I')).putShort((short) 42).putInt(8);
        tiff.putShort((short) 1).putShort((short) 0x0112).putShort((short) 4).putInt(1).putInt(6).putInt(0);
        byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiff.capacity();
        byte[] baseline = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"));
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        jpeg.write(baseline, 0, 2);
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
        jpeg.writeBytes(exif);
        jpeg.writeBytes(tiff.array());
        jpeg.write(baseline, 2, baseline.length - 2);

        assertEquals(6, ExifOrientation.of(jpeg.toByteArray()));
        RgbImage decoded = ImageDecoder.standard().decode(jpeg.toByteArray(), "long.jpg");
        assertEquals("64x43", decoded.width() + "x" + decoded.height());
    }

    /** {@code jpeg} with one 0xFF fill byte between SOI and the marker after it. */
    private static byte[] withFillByteAfterSoi(byte[] jpeg) {
        byte[] filled = new byte[jpeg.length + 1];
        filled[0] = jpeg[0];
        filled[1] = jpeg[1];
        filled[2] = (byte) 0xFF;
        System.arraycopy(jpeg, 2, filled, 3, jpeg.length - 2);
        return filled;
    }

    /** A header claiming a huge image is refused before any pixel memory is allocated. */
    @Test
    void aHugeDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
        byte[] png = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("grey.png"));
        // IHDR width and height (big-endian, bytes 16..23): 60000 x 60000, with the chunk's CRC (bytes 29..32, over
        // type and data, bytes 12..28) made to match, so only the size is wrong.
        byte[] huge = png.clone();
        writeInt(huge, 16, 60_000);
        writeInt(huge, 20, 60_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(huge, 12, 17);
        writeInt(huge, 29, (int) crc.getValue());
        Path file = write("huge.png", huge);
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.standard().decode(file));
        assertTrue(e.getMessage().contains("60000x60000 pixels is more than"), e.getMessage());
    }

    private static void writeInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static void assertRefused(ImageDecoder decoder, Path file, String fragment) {
        ImageDecodingException e = assertThrows(ImageDecodingException.class, () -> decoder.decode(file));
        assertEquals(file + ": " + fragment, e.getMessage());
    }
}
