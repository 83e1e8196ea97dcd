package org.resnet4j.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Any bytes as a whole safetensors file, length prefix included (see {@link SafeTensorsContract}). */
@Tag("fuzz")
class SafeTensorsReaderFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    @Timeout(10)
    void readsOrRejects(byte[] bytes) throws Throwable {
        SafeTensorsContract.readsOrRejects(dir, bytes);
    }
}
