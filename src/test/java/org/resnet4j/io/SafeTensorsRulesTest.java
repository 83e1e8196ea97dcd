package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.io.SafeTensorsTestFiles.craft;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One crafted file per rule of the format; each must fail with a message naming the file, rule and value. */
class SafeTensorsRulesTest {
    private static final String FILE = "crafted.safetensors";
    private static final String A_2X3 = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";

    @TempDir
    Path dir;

    private static void assertRejected(byte[] bytes, String... fragments) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(FILE, bytes));
        String message = e.getMessage();
        assertTrue(message.startsWith(FILE + ": "), "message must name the file: " + message);
        assertTrue(!message.contains("\n"), "message must be one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
        }
    }

    private static byte[] withLength(long headerLength, int totalSize) {
        return ByteBuffer.allocate(totalSize).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
    }

    @Test
    void fileShorterThanTheLengthPrefix() {
        assertRejected(new byte[5], "the file is 5 bytes, too short for the 8-byte header length");
    }

    @Test
    void headerLengthOverTheLimit() {
        assertRejected(withLength(100_000_001L, 64), "header length 100000001", "limit of 100000000 bytes");
        assertRejected(withLength(-1L, 64), "header length 18446744073709551615", "limit of 100000000 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() {
        assertRejected(withLength(57, 64), "header length 57", "exceeds the file size minus 8 (56 bytes)");
    }

    @Test
    void headerThatIsNotUtf8() {
        byte[] header = {'{', '"', 'a', (byte) 0xC3, '(', '"', ':', '{', '}', '}'};
        assertRejected(craft(header, new byte[0]), "not valid UTF-8", "byte 0xc3 at file offset 11");
        byte[] surrogate = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'};
        assertRejected(craft(surrogate, new byte[0]), "not valid UTF-8", "file offset 10");
    }

    @Test
    void headerThatIsNotAJsonObject() {
        assertRejected(craft("{\"a\":", new byte[0]), "header JSON", "unexpected end of the header");
        assertRejected(craft("{} x", new byte[0]), "header JSON", "'x' after the end of the JSON value",
                "file offset 11");
        assertRejected(craft("[]", new byte[0]), "the header is a JSON array, expected an object");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]),
                "non-integer number");
        assertRejected(craft("", new byte[0]), "header JSON", "unexpected end of the header");
    }

    @Test
    void duplicateTensorNames() {
        String entry = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertRejected(craft("{" + entry + "," + entry + "}", new byte[4]), "duplicate key \"a\"",
                "file offset " + (8 + 2 + entry.length()));
    }

    @Test
    void entryWithoutDtypeShapeOrOffsets() {
        assertRejected(craft("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': missing \"dtype\"");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': missing \"shape\"");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]),
                "tensor 'a': missing \"data_offsets\"");
        assertRejected(craft("{\"a\":[1]}", new byte[0]), "tensor 'a': the entry is a JSON array");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}",
                new byte[4]), "tensor 'a': unknown key \"x\"");
    }

    @Test
    void emptyTensorName() {
        assertRejected(craft("{\"\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4]),
                "a tensor has the empty string as its name");
    }

    @Test
    void textFromTheFileIsEscapedInMessages() {
        assertRejected(craft("{\"a\\nb\":{\"dtype\":\"X\\u001b\",\"shape\":[],\"data_offsets\":[0,4]}}",
                new byte[4]), "tensor 'a\\nb': unknown dtype \"X\\u001B\"");
        assertRejected(craft("{\"k\\t\":\"x\",\"k\\t\":\"y\"}", new byte[0]), "duplicate key \"k\\t\"");
    }

    @Test
    void unknownDtype() {
        assertRejected(craft("{\"a\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': unknown dtype \"F17\"");
        assertRejected(craft("{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "unknown dtype \"f32\"");
        assertRejected(craft("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': dtype is a JSON integer, expected a string");
    }

    @Test
    void negativeShapeDimension() {
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}}", new byte[24]),
                "tensor 'a': shape [2, -3] has negative dimension -3 at index 1");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensor 'a': shape element 0 is a JSON string, expected an integer");
    }

    @Test
    void malformedDataOffsets() {
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4]),
                "data_offsets [0, 4, 8] must be [begin, end]");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]),
                "data_offsets [4, 0] must satisfy 0 <= begin <= end");
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-4,-4]}}", new byte[0]),
                "must satisfy 0 <= begin <= end");
    }

    @Test
    void sizeDisagreesWithShapeAndDtype() {
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]),
                "tensor 'a': data_offsets [0, 20] span 20 bytes, but F32 [2, 3] needs 24");
        assertRejected(craft("{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,8]}}", new byte[8]), "needs more than 2^63");
        assertRejected(craft("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296],"
                + "\"data_offsets\":[0,4294967296]}}", new byte[8]), "more than one Java array can hold");
    }

    @Test
    void firstTensorNotAtOffsetZero() {
        assertRejected(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "tensor 'a': data_offsets [4, 8] leave a hole of 4 bytes at data offset 0",
                "the first tensor must begin at 0");
    }

    @Test
    void holeBetweenTensors() {
        String json = "{" + A_2X3 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]}}";
        assertRejected(craft(json, new byte[32]), "tensor 'b': data_offsets [28, 32] leave a hole of 4 bytes at "
                + "data offset 24", "after tensor 'a' [0, 24]");
    }

    @Test
    void overlappingTensors() {
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}," + A_2X3 + "}";
        assertRejected(craft(json, new byte[28]), "tensor 'b': data_offsets [20, 28] overlap tensor 'a' [0, 24]");
    }

    @Test
    void tensorEndingBeyondTheData() {
        assertRejected(craft("{" + A_2X3 + "}", new byte[16]),
                "tensor 'a': data_offsets [0, 24] end beyond the data section, which holds 16 bytes");
    }

    @Test
    void trailingBytesAfterTheLastTensor() {
        String json = "{" + A_2X3 + "}";
        assertRejected(craft(json, new byte[27]), "the data section has 3 trailing bytes after the last tensor",
                "from file offset " + (8 + json.length() + 24));
        assertRejected(craft("{}", new byte[1]), "1 trailing bytes");
    }

    @Test
    void metadataThatIsNotAStringMap() {
        assertRejected(craft("{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
                "__metadata__ value for key 'epoch' is a JSON integer, expected a string");
        assertRejected(craft("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is a JSON array");
        assertRejected(craft("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0]),
                "duplicate key \"__metadata__\"");
    }

    @Test
    void readingAPathNamesThePath() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, craft("{" + A_2X3 + "}", new byte[25]));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": the data section has 1 trailing bytes"), e.getMessage());
    }

    @Test
    void validCraftedFileIsAccepted() throws Exception {
        byte[] data = new byte[24];
        data[0] = 0x00;
        data[3] = 0x3F; // 0.5f little-endian: 00 00 00 3F
        SafeTensorsFile file = SafeTensors.read(FILE, craft("  {" + A_2X3 + "}\n\t ", data));
        assertTrue(file.floats("a")[0] == 0.5f);
    }
}
