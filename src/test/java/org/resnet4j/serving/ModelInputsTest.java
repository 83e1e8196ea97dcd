package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.images.ImageDecodingException;
import org.resnet4j.images.RgbImage;

/**
 * What {@code classify} and {@code features} feed a network: an image too long and narrow to resize is refused by
 * name, before its resize could take gigabytes.
 */
class ModelInputsTest {
    private static final String TOO_LONG = "the image is 1x100000 pixels: resized to a shorter side of 32 it would be "
            + "32x3200000, more than the limit of 100000000 pixels";

    @TempDir
    Path dir;

    /** 1 x 100,000 pixels pass the decoder (100 megapixels), but resized to 32 they would be 32 x 3,200,000. */
    @Test
    void aLongNarrowFileIsRefusedByName() throws IOException {
        Path square = dir.resolve("square.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", square.toFile());
        Path narrow = dir.resolve("narrow.png");
        ImageIO.write(new BufferedImage(1, 100_000, BufferedImage.TYPE_INT_RGB), "png", narrow.toFile());

        assertEquals(3 * 32 * 32, ModelInputs.load(List.of(square), 32, null, 32).data().length);
        var e = assertThrows(ImageDecodingException.class, () -> ModelInputs.load(List.of(square, narrow), 32, null,
                32));
        assertEquals(narrow + ": " + TOO_LONG, e.getMessage());
    }

    /** Images without a file (the server's, checked from their header first) meet the same limit in the resize. */
    @Test
    void aLongNarrowImageIsRefusedWithoutAFile() {
        RgbImage narrow = new RgbImage(1, 100_000, new byte[3 * 100_000]);
        var e = assertThrows(IllegalArgumentException.class, () -> ModelInputs.batch(List.of(narrow), 32, null, 32));
        assertEquals("resize: " + TOO_LONG, e.getMessage());
    }
}
