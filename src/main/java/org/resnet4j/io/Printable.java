package org.resnet4j.io;

/**
 * Text taken from a file (a tensor name, a key, a dtype) as it may appear in a message: control and line-separator
 * characters escaped, long text cut. A file's bytes then cannot break a message over lines or forge lines in a log.
 */
final class Printable {
    /** Longer than any real parameter name (torchvision's longest is under 40 characters). */
    static final int MAX_CHARACTERS = 120;

    private Printable() {
    }

    static String of(String text) {
        StringBuilder shown = new StringBuilder();
        int count = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            if (count++ == MAX_CHARACTERS) {
                return shown.append("... (").append(text.codePointCount(0, text.length())).append(" characters)")
                        .toString();
            }
            int c = text.codePointAt(i);
            switch (c) {
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        shown.append(String.format("\\u%04X", c));
                    } else {
                        shown.appendCodePoint(c);
                    }
                }
            }
        }
        return shown.toString();
    }
}
