package org.resnet4j.images;

import java.io.IOException;
import java.nio.file.Path;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;

/** The committed image files and what Pillow and torchvision make of them (src/test/python/make_image_fixtures.py). */
final class ImageFixtures {
    static final Path DIRECTORY = Path.of("src", "test", "resources", "fixtures", "images");
    static final String[] PNG = {"rgb.png", "rgba.png", "grey.png", "palette.png"};
    static final String[] JPEG = {"baseline.jpg", "progressive.jpg", "grey.jpg", "subsampled.jpg", "exif3.jpg",
        "exif6.jpg", "exif8.jpg", "cmyk.jpg"};

    private ImageFixtures() {
    }

    static SafeTensorsFile expected() throws IOException {
        return SafeTensors.read(DIRECTORY.resolve("expected.safetensors"));
    }

    /** A uint8 [H, W, 3] tensor of the expected file as an image. */
    static RgbImage image(SafeTensorsFile expected, String name) throws IOException {
        TensorEntry entry = expected.tensor(name);
        if (entry.dtype() != DType.U8 || entry.rank() != 3 || entry.shape()[2] != 3) {
            throw new IllegalStateException(name + " is not a uint8 [H, W, 3] image");
        }
        return new RgbImage((int) entry.shape()[1], (int) entry.shape()[0], entry.data());
    }

    /** The largest difference between two images' bytes. */
    static int maxDifference(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new AssertionError("sizes differ: " + a + " vs " + b);
        }
        byte[] x = a.pixels();
        byte[] y = b.pixels();
        int max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((x[i] & 0xFF) - (y[i] & 0xFF)));
        }
        return max;
    }
}
