package org.resnet4j.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The format and stored size of PNG or JPEG bytes, read from the header without decoding a pixel, so that bytes from
 * anyone can be refused for their size before they cost anything (a PNG of a few kilobytes can claim 100 megapixels
 * of one colour). A PNG's whole chunk structure is checked as well ({@code PngChunks}): the JDK's decoder takes a file
 * cut right after its pixel data as whole. The size is the stored one: a JPEG whose EXIF orientation turns it (5 to
 * 8) decodes with {@link ImageDecoder#standard()} to width and height swapped. A width or height of 0 is reported as
 * the header claims it, although no decoder here reads such an image: a caller refusing by size can then say why.
 *
 * <p>Immutable; safe to share between threads, and {@link #read} is safe to call from several threads at once.
 *
 * @param format "png" or "jpeg"
 */
public record ImageHeader(String format, int width, int height) {

    /**
     * The header of {@code bytes}, or null when they are neither PNG nor JPEG (told by their first bytes).
     *
     * @param source how errors name the bytes (a file name, "request body")
     * @throws ImageDecodingException when the header cannot be read or a PNG's chunks are broken
     */
    public static ImageHeader read(byte[] bytes, String source) throws ImageDecodingException {
        String format = ImageDecoder.format(bytes);
        if (format == null) {
            return null;
        }
        if (format.equals("png")) {
            PngChunks.check(bytes, source);
        }
        // ImageIO's readers say only that they cannot read such a header (a JPEG's height of 0 would need a DNL
        // marker, which libjpeg does not read; a PNG's is invalid), so these two are read from the bytes.
        ImageHeader stored = format.equals("png") ? pngSize(bytes) : jpegSize(bytes);
        if (stored != null && (stored.width == 0 || stored.height == 0)) {
            return stored;
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = JdkImageReaders.forFormat(format, source);
            try {
                reader.setInput(in, true, true);
                return new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageDecodingException(source + ": cannot read the " + format.toUpperCase(Locale.ROOT)
                    + " header: " + reason, e);
        }
    }

    /** The size in the IHDR chunk (the first, after the chunks were checked), or null if there is none. */
    private static ImageHeader pngSize(byte[] png) {
        if (png.length < 24 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            return null;
        }
        return new ImageHeader("png", (int) PngChunks.uint32(png, 16), (int) PngChunks.uint32(png, 20));
    }

    /**
     * The size in the first start-of-frame segment, or null if the segments end or a scan begins before one
     * (package-private for its test).
     */
    static ImageHeader jpegSize(byte[] jpeg) {
        ImageHeader[] size = {null};
        JpegSegments.walk(jpeg, (marker, at, length) -> {
            // SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (JPG) and CC (DAC) are not frames
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                size[0] = at + 8 < jpeg.length ? new ImageHeader("jpeg", ExifOrientation.u16(jpeg, at + 7, false),
                        ExifOrientation.u16(jpeg, at + 5, false)) : null;
                return false;
            }
            return true;
        });
        return size[0];
    }
}
