package org.resnet4j.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The format and stored size of PNG or JPEG bytes, read from the header without decoding a pixel, so that bytes from
 * anyone can be refused for their size before they cost anything (a PNG of a few kilobytes can claim 100 megapixels
 * of one colour). A PNG's whole chunk structure is checked as well ({@code PngChunks}): the JDK's decoder takes a file
 * cut right after its pixel data as whole. The size is the stored one: a JPEG whose EXIF orientation turns it (5 to
 * 8) decodes with {@link ImageDecoder#standard()} to width and height swapped.
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
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new ImageDecodingException(source + ": no " + format + " decoder available");
            }
            ImageReader reader = readers.next();
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
}
