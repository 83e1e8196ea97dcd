package org.resnet4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.resnet4j.images.ImageDecoder;

/**
 * {@code --exif apply|ignore}, for the commands that decode image files: {@code apply} turns a JPEG upright by its
 * EXIF orientation, as a viewer shows it; {@code ignore} keeps the stored pixels, as torchvision's {@code ImageFolder}
 * (Pillow) reads them, so that a network trained in PyTorch sees what it was trained on. Commands that prepare images
 * for trained weights default to what the weights record ({@value ImageDecoder#ORIENTATION_METADATA_KEY}, written by
 * {@code train} and {@code finetune} on images read with {@code ignore}), else {@code apply}.
 */
final class ExifOption {
    static final String NAME = "exif";

    private ExifOption() {
    }

    /** The decoder {@code --exif} asks for, or empty when the option is not given. */
    static Optional<ImageDecoder> parse(Arguments args, String command) {
        if (!args.has(NAME)) {
            return Optional.empty();
        }
        String value = args.string(NAME, "apply").toLowerCase(Locale.ROOT);
        try {
            return Optional.of(ImageDecoder.named(value));
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --" + NAME + " must be apply or ignore, got '" + value + "'");
        }
    }

    /** {@code --exif}, else {@code apply}: for commands that read images for no trained weights. */
    static ImageDecoder decoder(Arguments args, String command) {
        return parse(args, command).orElse(ImageDecoder.standard());
    }

    /** {@code asked}, else what the weights' metadata records, else {@code apply}. */
    static ImageDecoder resolve(Optional<ImageDecoder> asked, Map<String, String> metadata, Path weights) {
        if (asked.isPresent()) {
            return asked.get();
        }
        String recorded = metadata.get(ImageDecoder.ORIENTATION_METADATA_KEY);
        if (recorded == null) {
            return ImageDecoder.standard();
        }
        try {
            return ImageDecoder.named(recorded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(weights + ": metadata '" + ImageDecoder.ORIENTATION_METADATA_KEY
                    + "' must be apply or ignore, got '" + recorded + "'");
        }
    }
}
