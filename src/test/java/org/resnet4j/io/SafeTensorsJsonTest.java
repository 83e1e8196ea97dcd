package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header's JSON parser: what it accepts, and that it rejects everything else with an offset. */
class SafeTensorsJsonTest {

    private static Object parse(String json) throws SafeTensorsException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return JsonParser.parse(bytes, 0, bytes.length, "h", 8);
    }

    private static void assertRejected(String json, String fragment) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> parse(json), json);
        assertTrue(e.getMessage().startsWith("h: header JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("at file offset "), e.getMessage());
    }

    @Test
    void parsesObjectsArraysStringsAndIntegers() throws Exception {
        Object value = parse(" {\"a\" : [1, -2, 0, 9223372036854775807, -9223372036854775808], \"b\":{}, "
                + "\"c\":[], \"d\":\"x\"}\r\n");
        assertEquals(Map.of("a", List.of(1L, -2L, 0L, Long.MAX_VALUE, Long.MIN_VALUE), "b", Map.of(), "c", List.of(),
                "d", "x"), value);
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(((Map<?, ?>) value).keySet()), "file order is kept");
    }

    @Test
    void decodesEveryEscape() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€", parse("\"\\u00e9\\u20AC\""));
        assertEquals("😀", parse("\"\\ud83d\\ude00\""));
        assertEquals("raw é 😀 ok", parse("\"raw é 😀 ok\""));
    }

    @Test
    void rejectsBrokenStrings() {
        assertRejected("\"\\ud83d\"", "lone high surrogate \\uD83D");
        assertRejected("\"\\ud83d\\u0041\"", "not a low surrogate");
        assertRejected("\"\\ude00\"", "lone low surrogate \\uDE00");
        assertRejected("\"\\x\"", "invalid escape \\'x'");
        assertRejected("\"\\u12g4\"", "invalid hex digit 'g'");
        assertRejected("\"\\u12", "truncated \\u escape");
        assertRejected("\"abc", "unterminated string");
        assertRejected("\"a\nb\"", "control character 0xa");
    }

    @Test
    void rejectsWhatTheFormatDoesNotUse() {
        assertRejected("1.5", "non-integer number");
        assertRejected("1e3", "non-integer number");
        assertRejected("007", "leading zero");
        assertRejected("-", "'-' not followed by a digit");
        assertRejected("9223372036854775808", "does not fit in 64 bits");
        assertRejected("-9223372036854775809", "does not fit in 64 bits");
        assertRejected("true", "unexpected 't'");
        assertRejected("null", "unexpected 'n'");
    }

    @Test
    void rejectsBadStructure() {
        assertRejected("{\"a\":1,}", "expected a string key");
        assertRejected("[1,]", "unexpected ']'");
        assertRejected("{\"a\" 1}", "expected ':'");
        assertRejected("{\"a\":1 \"b\":2}", "expected ',' or '}'");
        assertRejected("[1 2]", "expected ',' or ']'");
        assertRejected("{1:2}", "expected a string key");
        assertRejected("{} {}", "after the end of the JSON value");
        assertRejected("{\"k\":1,\"k\":2}", "duplicate key \"k\"");
        assertRejected("[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1), "nesting deeper");
    }

    @Test
    void offsetsPointIntoTheFile() {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> parse("[1, x]"));
        assertTrue(e.getMessage().endsWith("at file offset 12"), e.getMessage());
    }
}
