package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.resnet4j.testing.FuzzBytes;

/**
 * Any bytes as a tar stream: the reader lists members whose content is exactly their declared size, or throws
 * {@link MalformedDataException} naming the archive. Skipping a member must move past exactly its data, so no member
 * read before the end can claim more bytes than the whole stream has. Input: a flags byte (bit 0: give every block a
 * correct checksum, see {@link TarChecksums}; bit 1: read each member's content rather than skip it), then the tar.
 */
@Tag("fuzz")
class TarReaderFuzzTest {
    private static final String SOURCE = "fuzz.tar";

    @FuzzTest
    @Timeout(10)
    void listsOrRejects(byte[] bytes) throws Throwable {
        FuzzBytes input = new FuzzBytes(bytes);
        int flags = input.u8();
        boolean readContents = (flags & 2) != 0;
        byte[] tar = (flags & 1) != 0 ? TarChecksums.fixed(input.rest()) : input.rest();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar), SOURCE);
        List<TarReader.Entry> movedPast = new ArrayList<>();
        try {
            TarReader.Entry current = null;
            while (true) {
                TarReader.Entry next = reader.next();
                if (current != null) {
                    movedPast.add(current);
                }
                if (next == null) {
                    break;
                }
                current = next;
                if (readContents) {
                    assertEquals(current.size(), reader.content().readAllBytes().length, current.name());
                }
            }
        } catch (Throwable e) {
            assertDocumentedFailure(e, MalformedDataException.class, SOURCE);
        }
        for (TarReader.Entry entry : movedPast) {
            assertTrue(entry.size() <= tar.length, "moved past " + entry + " in a stream of " + tar.length + " bytes");
        }
    }
}
