package org.resnet4j.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the JSON subset a safetensors header uses: objects, arrays, strings (with every escape,
 * hexadecimal ones and their surrogate pairs included) and integers. Objects become {@code LinkedHashMap<String,
 * Object>} in file order, arrays {@code List<Object>}, integers {@code Long}. Anything else (fractions, exponents,
 * {@code true}/{@code false}/{@code null}), a duplicate key, nesting deeper than {@value #MAX_DEPTH} or bytes after
 * the value other than whitespace is an error naming the file offset.
 *
 * <p>The input must already be valid UTF-8: the parser walks bytes, and every byte at or above 0x80 can only be
 * part of a string, where it is copied through.
 */
final class JsonParser {
    /** Far beyond the 3 levels the format needs, and shallow enough that recursion cannot exhaust the stack. */
    static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private final int end;
    private final String source;
    private final long fileOffset;
    private int pos;

    private JsonParser(byte[] bytes, int start, int end, String source, long fileOffset) {
        this.bytes = bytes;
        this.pos = start;
        this.end = end;
        this.source = source;
        this.fileOffset = fileOffset - start;
    }

    /**
     * Parses {@code bytes[start, end)} as exactly one JSON value.
     *
     * @param source     the file name, for messages
     * @param fileOffset the file offset of {@code bytes[start]}, so messages point into the file
     */
    static Object parse(byte[] bytes, int start, int end, String source, long fileOffset) throws SafeTensorsException {
        JsonParser parser = new JsonParser(bytes, start, end, source, fileOffset);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos < end) {
            throw parser.error("unexpected " + parser.describe(parser.pos) + " after the end of the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws SafeTensorsException {
        if (pos >= end) {
            throw error("unexpected end of the header, expected a value");
        }
        byte b = bytes[pos];
        return switch (b) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    yield integer();
                }
                throw error("unexpected " + describe(pos) + ", expected an object, array, string or integer");
            }
        };
    }

    private Map<String, Object> object(int depth) throws SafeTensorsException {
        checkDepth(depth);
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describe(pos) + ", expected a string key");
            }
            int keyOffset = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object member = value(depth);
            if (members.putIfAbsent(key, member) != null) {
                throw new SafeTensorsException(source + ": header JSON: duplicate key \"" + Printable.of(key)
                        + "\" at file offset " + (fileOffset + keyOffset));
            }
            skipWhitespace();
            byte next = peek();
            pos++;
            if (next == '}') {
                return members;
            }
            if (next != ',') {
                pos--;
                throw error("unexpected " + describe(pos) + " in an object, expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws SafeTensorsException {
        checkDepth(depth);
        pos++;
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return elements;
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth));
            skipWhitespace();
            byte next = peek();
            pos++;
            if (next == ']') {
                return elements;
            }
            if (next != ',') {
                pos--;
                throw error("unexpected " + describe(pos) + " in an array, expected ',' or ']'");
            }
        }
    }

    private String string() throws SafeTensorsException {
        pos++;
        StringBuilder text = new StringBuilder();
        int run = pos;
        while (true) {
            if (pos >= end) {
                throw error("unterminated string");
            }
            int b = bytes[pos] & 0xFF;
            if (b == '"') {
                text.append(new String(bytes, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                return text.toString();
            }
            if (b < 0x20) {
                throw error("control character 0x" + Integer.toHexString(b) + " inside a string (must be escaped)");
            }
            if (b == '\\') {
                text.append(new String(bytes, run, pos - run, StandardCharsets.UTF_8));
                escape(text);
                run = pos;
            } else {
                pos++;
            }
        }
    }

    /** Appends the escape at {@code pos} (a backslash) and moves past it. */
    private void escape(StringBuilder text) throws SafeTensorsException {
        int start = pos;
        pos++;
        if (pos >= end) {
            throw error("unterminated string");
        }
        byte kind = bytes[pos++];
        switch (kind) {
            case '"' -> text.append('"');
            case '\\' -> text.append('\\');
            case '/' -> text.append('/');
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                char unit = hex4();
                if (Character.isHighSurrogate(unit)) {
                    if (pos + 1 < end && bytes[pos] == '\\' && bytes[pos + 1] == 'u') {
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw errorAt(start, "high surrogate \\u" + hex(unit) + " followed by \\u" + hex(low)
                                    + ", which is not a low surrogate");
                        }
                        text.append(unit).append(low);
                    } else {
                        throw errorAt(start, "lone high surrogate \\u" + hex(unit));
                    }
                } else if (Character.isLowSurrogate(unit)) {
                    throw errorAt(start, "lone low surrogate \\u" + hex(unit));
                } else {
                    text.append(unit);
                }
            }
            default -> throw errorAt(start, "invalid escape \\" + printable(kind & 0xFF));
        }
    }

    private char hex4() throws SafeTensorsException {
        if (pos + 4 > end) {
            throw error("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(bytes[pos + i] & 0xFF, 16);
            if (digit < 0 || (bytes[pos + i] & 0xFF) >= 0x80) {
                throw errorAt(pos + i, "invalid hex digit " + describe(pos + i) + " in a \\u escape");
            }
            value = value * 16 + digit;
        }
        pos += 4;
        return (char) value;
    }

    private Long integer() throws SafeTensorsException {
        int start = pos;
        boolean negative = bytes[pos] == '-';
        if (negative) {
            pos++;
        }
        if (pos >= end || bytes[pos] < '0' || bytes[pos] > '9') {
            throw error("'-' not followed by a digit");
        }
        if (bytes[pos] == '0' && pos + 1 < end && bytes[pos + 1] >= '0' && bytes[pos + 1] <= '9') {
            throw errorAt(start, "integer with a leading zero");
        }
        long magnitude = 0;
        while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') {
            int digit = bytes[pos] - '0';
            // Accumulate negatively so that Long.MIN_VALUE parses too.
            if (magnitude < (Long.MIN_VALUE + digit) / 10) {
                throw errorAt(start, "integer " + new String(bytes, start, Math.min(pos + 1 - start, 40),
                        StandardCharsets.US_ASCII) + "... does not fit in 64 bits");
            }
            magnitude = magnitude * 10 - digit;
            pos++;
        }
        if (pos < end && (bytes[pos] == '.' || bytes[pos] == 'e' || bytes[pos] == 'E')) {
            throw errorAt(start, "non-integer number (the format uses integers only)");
        }
        if (!negative && magnitude == Long.MIN_VALUE) {
            throw errorAt(start, "integer 9223372036854775808 does not fit in 64 bits");
        }
        return negative ? magnitude : -magnitude;
    }

    private void checkDepth(int depth) throws SafeTensorsException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) throws SafeTensorsException {
        if (peek() != c) {
            throw error("unexpected " + describe(pos) + ", expected '" + c + "'");
        }
        pos++;
    }

    /** The byte at {@code pos}, or an error at the end of the input. */
    private byte peek() throws SafeTensorsException {
        if (pos >= end) {
            throw error("unexpected end of the header");
        }
        return bytes[pos];
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = bytes[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describe(int at) {
        return at >= end ? "end of the header" : printable(bytes[at] & 0xFF);
    }

    private static String printable(int b) {
        return b >= 0x20 && b < 0x7F ? "'" + (char) b + "'" : "byte 0x" + Integer.toHexString(b);
    }

    private static String hex(char unit) {
        return String.format("%04X", (int) unit);
    }

    private SafeTensorsException error(String problem) {
        return errorAt(pos, problem);
    }

    private SafeTensorsException errorAt(int at, String problem) {
        return new SafeTensorsException(source + ": header JSON: " + problem + " at file offset " + (fileOffset + at));
    }
}
