package org.resnet4j.images;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.resnet4j.io.FileErrors;

/**
 * Decodes PNG and JPEG files into 8-bit RGB with the JDK's ImageIO, as Pillow's {@code convert("RGB")} would: grey is
 * copied to the three channels, palettes are looked up, alpha is dropped (not composited), CMYK is converted with
 * Pillow's arithmetic, 16-bit samples are reduced to 8 bits (their high byte; for 16-bit grey without alpha, Pillow's
 * mode "I", the value clipped to 255, as Pillow does). JPEG orientation: by default the EXIF tag is applied, so the
 * image is upright as a viewer shows it;
 * {@link #ignoringOrientation()} keeps the stored pixels, as torchvision's {@code ImageFolder} (Pillow) reads them.
 *
 * <p>Baseline and progressive JPEG, grey, colour and CMYK: the JDK 25 decoder reads them all, and gives Pillow's bytes
 * exactly on the test files and photographs (libjpeg-turbo and the JDK's libjpeg agree there), so no third-party plugin
 * is needed, and none is used even where the application registers one (see {@link JdkImageReaders}). Embedded colour profiles are ignored, as Pillow ignores them (see {@link JpegProfiles}).
 * Anything else, a truncated or corrupt file (where ImageIO would warn and fill with grey, Pillow refuses), or a size
 * above {@link #MAX_PIXELS}: an {@link ImageDecodingException} naming the file and the problem. Immutable; safe to
 * share between threads.
 */
public final class ImageDecoder {
    /** The most pixels decoded from one file (about 100 megapixels): a bigger header is refused before decoding. */
    public static final long MAX_PIXELS = 100_000_000L;
    /** libjpeg's warning for bytes before the end-of-image marker (0xd9), the only one that loses no pixel. */
    private static final Pattern JUNK_BEFORE_END =
            Pattern.compile("Corrupt JPEG data: \\d+ extraneous bytes before marker 0xd9");

    /**
     * The weights metadata key that records how a network's training images were read when it was not the default:
     * {@code ignore} (see {@link #orientationName()}). Commands that prepare images for that network read them so.
     */
    public static final String ORIENTATION_METADATA_KEY = "exif_orientation";

    private final boolean applyOrientation;

    private ImageDecoder(boolean applyOrientation) {
        this.applyOrientation = applyOrientation;
    }

    /** Decodes and turns JPEGs upright by their EXIF orientation. */
    public static ImageDecoder standard() {
        return new ImageDecoder(true);
    }

    /** Decodes and keeps the stored pixel order whatever the EXIF tag says (Pillow's and torchvision's behaviour). */
    public static ImageDecoder ignoringOrientation() {
        return new ImageDecoder(false);
    }

    /**
     * The decoder {@code name} names: {@code apply} ({@link #standard()}) or {@code ignore}
     * ({@link #ignoringOrientation()}), as {@link #orientationName()} and the {@code --exif} option spell them.
     *
     * @throws IllegalArgumentException for any other name, quoting it
     */
    public static ImageDecoder named(String name) {
        return switch (name) {
            case "apply" -> standard();
            case "ignore" -> ignoringOrientation();
            default -> throw new IllegalArgumentException("EXIF orientation must be apply or ignore, got '" + name
                    + "'");
        };
    }

    /** {@code apply} or {@code ignore}: this decoder's choice, as {@link #named} reads it. */
    public String orientationName() {
        return applyOrientation ? "apply" : "ignore";
    }

    /** Whether JPEGs are turned upright by their EXIF orientation ({@link #standard()}) or kept as stored. */
    public boolean appliesOrientation() {
        return applyOrientation;
    }

    @Override
    public String toString() {
        return applyOrientation ? "ImageDecoder[EXIF orientation applied]" : "ImageDecoder[EXIF orientation ignored]";
    }

    public RgbImage decode(Path file) throws IOException {
        if (Files.isDirectory(file)) { // else readAllBytes fails with a bare "Is a directory", naming no path
            throw new ImageDecodingException(file + ": is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodingException(file + ": no such file");
        } catch (IOException e) {
            // A FileSystemException's message is often the bare path ("data/cat/3.jpg" for a permission problem), and
            // callers show only the message: the reason is spelled out here.
            throw new ImageDecodingException(file + ": cannot read: " + FileErrors.reason(e), e);
        }
        return decode(bytes, file.toString());
    }

    /** @param source how errors name the bytes (a file name, "request body") */
    public RgbImage decode(byte[] bytes, String source) throws ImageDecodingException {
        String format = format(bytes);
        if (format == null) {
            throw new ImageDecodingException(source + ": not a PNG or JPEG image (" + (bytes.length == 0 ? "empty"
                    : "starts with bytes " + hex(bytes)) + ")");
        }
        if (format.equals("png")) {
            PngChunks.check(bytes, source); // the JDK's reader takes a file cut after its pixel data as whole
        }
        BufferedImage image = read(format.equals("jpeg") ? JpegProfiles.strip(bytes) : bytes, source, format);
        RgbImage rgb = toRgb(image, format.equals("png") && isGrey16(bytes));
        return applyOrientation && format.equals("jpeg") ? ExifOrientation.apply(rgb, ExifOrientation.of(bytes)) : rgb;
    }

    private static BufferedImage read(byte[] bytes, String source, String format) throws ImageDecodingException {
        // The bytes are in memory already: ImageIO.createImageInputStream would copy them to a temporary file first
        // (its default cache), one file per decode, which a server decoding every request must not do.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = JdkImageReaders.forFormat(format, source);
            try {
                reader.setInput(in, true, true);
                // ImageIO decodes a truncated or damaged JPEG with warnings and grey where data is missing; Pillow
                // refuses such a file ("image file is truncated"), and so does this decoder.
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new ImageDecodingException(source + ": " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels is more than the " + MAX_PIXELS + " this decoder accepts");
                }
                BufferedImage image = reader.read(0);
                // Bytes between the last scan and the end-of-image marker come after every pixel was decoded;
                // Pillow reads such files (cameras and editors write some) to the same pixels without complaint.
                warnings.removeIf(warning -> JUNK_BEFORE_END.matcher(warning).matches());
                if (!warnings.isEmpty()) {
                    throw new ImageDecodingException(source + ": cannot decode the " + format.toUpperCase()
                            + " data: " + warnings.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncation and corruption as IIOException, and some damage as runtime exceptions.
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageDecodingException(source + ": cannot decode the " + format.toUpperCase() + " data: "
                    + reason, e);
        }
    }

    /** "png" or "jpeg" by the file's signature (never by its name), or null. */
    static String format(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D
                && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        return null;
    }

    /**
     * Whether a PNG's IHDR says 16-bit grey without alpha, colour type 0: Pillow opens it as
     * mode "I" (32-bit integers), and convert("RGB") clips each value to 255 instead of keeping the high byte as it
     * does for every other 16-bit PNG.
     */
    private static boolean isGrey16(byte[] png) {
        return png.length > 25 && png[12] == 'I' && png[13] == 'H' && png[14] == 'D' && png[15] == 'R' && png[24] == 16
                && png[25] == 0;
    }

    private static RgbImage toRgb(BufferedImage image, boolean clipGrey16) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_CMYK && raster.getNumBands() == 4) {
            // The JDK's own CMYK-to-RGB goes through a colour profile and lands far (60 levels on average) from
            // Pillow's arithmetic conversion, which is what torchvision-trained weights saw.
            int[] cmyk = new int[4];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.getPixel(x, y, cmyk);
                    int notBlack = 255 - cmyk[3];
                    int o = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        out[o + c] = (byte) Math.clamp(notBlack - mulDiv255(cmyk[c], notBlack), 0, 255);
                    }
                }
            }
        } else if (model.getNumColorComponents() == 1 && !(model instanceof java.awt.image.IndexColorModel)) {
            // Grey: the raster's own values. getRGB would pass them through the JDK's linear grey colour space and
            // brighten mid-tones, which Pillow does not do.
            int shift = Math.max(0, model.getComponentSize(0) - 8);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sample = raster.getSample(x, y, 0);
                    byte v = (byte) (clipGrey16 ? Math.min(sample, 255) : sample >> shift);
                    int o = (y * w + x) * 3;
                    out[o] = v;
                    out[o + 1] = v;
                    out[o + 2] = v;
                }
            }
        } else if (model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_RGB
                && raster.getNumBands() >= 3) {
            // The stored values, as Pillow keeps them: getRGB would convert them from an embedded colour profile.
            int shift = Math.max(0, model.getComponentSize(0) - 8);
            int[] sample = new int[raster.getNumBands()];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.getPixel(x, y, sample);
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (sample[0] >> shift);
                    out[o + 1] = (byte) (sample[1] >> shift);
                    out[o + 2] = (byte) (sample[2] >> shift);
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (row[x] >> 16);
                    out[o + 1] = (byte) (row[x] >> 8);
                    out[o + 2] = (byte) row[x];
                }
            }
        }
        return RgbImage.own(w, h, out);
    }

    /** {@code a * b / 255} rounded as Pillow's MULDIV255 rounds it. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }
}
