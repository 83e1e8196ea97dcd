package org.resnet4j.cli;

import java.util.Locale;
import org.resnet4j.images.ImageDecoder;

/**
 * {@code --exif apply|ignore}, for the commands that decode image files: {@code apply} (the default) turns a JPEG
 * upright by its EXIF orientation, as a viewer shows it; {@code ignore} keeps the stored pixels, as torchvision's
 * {@code ImageFolder} (Pillow) reads them, so that a network trained in PyTorch sees what it was trained on.
 */
final class ExifOption {
    static final String NAME = "exif";

    private ExifOption() {
    }

    static ImageDecoder decoder(Arguments args, String command) {
        String value = args.string(NAME, "apply").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "apply" -> ImageDecoder.standard();
            case "ignore" -> ImageDecoder.ignoringOrientation();
            default -> throw new UsageException(command + ": --" + NAME + " must be apply or ignore, got '" + value
                    + "'");
        };
    }
}
