package org.resnet4j.io;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.testing.FuzzBytes;

/**
 * Any bytes as the JSON header of a safetensors file, framed with their true length and a data section of a fuzzed
 * size, so that mutations spend their time in the header's rules rather than in the length prefix (see
 * {@link SafeTensorsContract}). Input: the data section's length (2 bytes, little-endian, modulo 1025), then the
 * header.
 */
@Tag("fuzz")
class SafeTensorsHeaderFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"",
            "\"BF16\"", "\"F64\"", "\"I64\"", "\"U64\"", "\"I8\"", "\"U8\"", "\"BOOL\"", "\\u", "\\ud83d\\ude00",
            "9223372036854775807", "-9223372036854775808", "18446744073709551616"})
    void readsOrRejects(byte[] bytes) throws Throwable {
        FuzzBytes input = new FuzzBytes(bytes);
        int dataLength = input.u16() % 1025;
        byte[] header = input.rest();
        byte[] tensorData = new byte[dataLength];
        for (int i = 0; i < dataLength; i++) {
            tensorData[i] = (byte) (i * 37 + 11);
        }
        SafeTensorsContract.readsOrRejects(dir, SafeTensorsTestFiles.craft(header, tensorData));
    }
}
