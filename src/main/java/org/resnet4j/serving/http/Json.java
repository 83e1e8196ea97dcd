package org.resnet4j.serving.http;

/** The little JSON the server writes: quoted strings. */
final class Json {
    private Json() {
    }

    /** {@code text} as a JSON string, quotes included; control characters escaped as {@code \}{@code uXXXX}. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
