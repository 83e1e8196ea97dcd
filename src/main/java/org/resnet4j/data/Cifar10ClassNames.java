package org.resnet4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the class-name list of a CIFAR-10 folder ({@value Cifar10Reader#META_FILE}): ten names, one per line. */
final class Cifar10ClassNames {
    /** The official list is 61 bytes; a file a thousand times that size is no list of ten names. */
    static final int MAX_BYTES = 1 << 16;
    /** How many names a message shows, and how many characters of each. */
    private static final int SHOWN_NAMES = 12;
    private static final int SHOWN_CHARACTERS = 40;

    private Cifar10ClassNames() {
    }

    /** The non-blank lines of {@code file}, stripped; exactly {@value Cifar10Dataset#CLASSES} of them. */
    static List<String> read(Path file) throws IOException {
        String where = file.getFileName() + " (" + file + ")";
        String text = Utf8Files.read(file, MAX_BYTES, "a list of " + Cifar10Dataset.CLASSES + " class names");
        List<String> names = new ArrayList<>();
        for (String line : text.split("\r\n|\r|\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != Cifar10Dataset.CLASSES) {
            throw new MalformedDataException(where + ": expected " + Cifar10Dataset.CLASSES + " class names, one per "
                    + "line, found " + names.size() + shown(names));
        }
        return names;
    }

    /** The first names, each cut short and with control characters escaped, so the message stays one short line. */
    private static String shown(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(": ");
        for (int i = 0; i < Math.min(names.size(), SHOWN_NAMES); i++) {
            String name = names.get(i);
            text.append(i == 0 ? "" : ", ").append('"');
            name.codePoints().limit(SHOWN_CHARACTERS).forEach(c -> {
                if (Character.isISOControl(c) || c == '"' || c == '\\') {
                    text.append(String.format("\\u%04x", c));
                } else {
                    text.appendCodePoint(c);
                }
            });
            text.append(name.codePointCount(0, name.length()) > SHOWN_CHARACTERS ? "...\"" : "\"");
        }
        return text.append(names.size() > SHOWN_NAMES ? ", ..." : "").toString();
    }
}
