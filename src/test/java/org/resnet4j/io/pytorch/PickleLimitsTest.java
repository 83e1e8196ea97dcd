package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.io.pytorch.PickleAllowListTest.assertRefused;
import static org.resnet4j.io.pytorch.PickleOpcodes.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile pickle costs memory in proportion to its length and finishes quickly: nesting is bounded, the stack and
 * memo are bounded, declared lengths are checked against the bytes that remain, a structure that contains itself or
 * shares itself exponentially is never walked, and a pickle cut short anywhere is an error, not a crash.
 */
class PickleLimitsTest {
    private static final int LIMIT = PickleReader.MAX_DEPTH;

    @TempDir
    Path dir;

    /** {@code depth} lists, each appended into the one below it. */
    private static PickleBytes nestedLists(int depth) {
        PickleBytes p = PickleBytes.protocol2();
        for (int i = 0; i < depth; i++) {
            p.op(EMPTY_LIST);
        }
        for (int i = 1; i < depth; i++) {
            p.op(APPEND);
        }
        return p;
    }

    @Test
    void listsNestUpToTheLimitAndNoDeeper() {
        assertDoesNotThrow(() -> PickleReader.read(nestedLists(LIMIT).stop(), "test"));
        // The last APPEND is the one that makes the outermost list one level too deep.
        PickleBytes tooDeep = nestedLists(LIMIT + 1);
        assertRefused(tooDeep.stop(), tooDeep.offset() - 2, "containers nested deeper than " + LIMIT);
    }

    /** {@code ((...(None,)...),)}: {@code depth} tuples. */
    private static PickleBytes nestedTuples(int depth) {
        PickleBytes p = PickleBytes.protocol2().op(NONE);
        for (int i = 0; i < depth; i++) {
            p.op(TUPLE1);
        }
        return p;
    }

    /** {@code {"k": {"k": ... {}}}}: {@code depth} dicts, pushed outside in, then joined by SETITEM inside out. */
    private static PickleBytes nestedDicts(int depth) {
        PickleBytes p = PickleBytes.protocol2();
        for (int i = 1; i < depth; i++) {
            p.op(EMPTY_DICT).str("k");
        }
        p.op(EMPTY_DICT);
        for (int i = 1; i < depth; i++) {
            p.op(SETITEM);
        }
        return p;
    }

    @Test
    void tuplesAndDictsNestUpToTheLimitAndNoDeeper() {
        assertDoesNotThrow(() -> PickleReader.read(nestedTuples(LIMIT).stop(), "test"));
        PickleBytes tuples = nestedTuples(LIMIT + 1);
        assertRefused(tuples.stop(), tuples.offset() - 2, "containers nested deeper than " + LIMIT);

        assertDoesNotThrow(() -> PickleReader.read(nestedDicts(LIMIT).stop(), "test"));
        PickleBytes dicts = nestedDicts(LIMIT + 1);
        assertRefused(dicts.stop(), dicts.offset() - 2, "containers nested deeper than " + LIMIT);
    }

    @Test
    void marksNestUpToTheLimitAndNoDeeper() {
        PickleBytes p = PickleBytes.protocol2();
        for (int i = 0; i < LIMIT; i++) {
            p.mark();
        }
        int at = p.offset();
        assertRefused(p.mark().stop(), at, "MARKs nested deeper than " + LIMIT);
    }

    @Test
    void aListThatHoldsItselfIsReadWithoutWalkingIt() throws IOException {
        byte[] once = PickleBytes.protocol2().op(EMPTY_LIST).op(BINPUT).raw(0).op(BINGET).raw(0).op(APPEND).stop();
        Object list = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PickleReader.read(once, "test"));
        assertInstanceOf(PyValues.PyList.class, list);

        // Appending it to itself again and again deepens it each time, up to the limit.
        PickleBytes again = PickleBytes.protocol2().op(EMPTY_LIST).op(BINPUT).raw(0);
        for (int i = 0; i < LIMIT + 1; i++) {
            again.op(BINGET).raw(0).op(APPEND);
        }
        var e = assertThrows(PyTorchCheckpointException.class, () -> PickleReader.read(again.stop(), "test"));
        assertTrue(e.getMessage().contains("containers nested deeper than " + LIMIT), e.getMessage());

        Path file = CheckpointZips.write(dir.resolve("cycle.pth"), CheckpointZips.checkpoint(once, Map.of()));
        var notADict = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(file));
        assertTrue(notADict.getMessage().endsWith("the checkpoint holds a list, not a dict of tensors"),
                notADict.getMessage());
    }

    /** "Billion laughs": each level a tuple of ten references to the level below, 2^60 leaves in 30 levels. */
    @Test
    void exponentiallySharedStructuresCostOnlyTheirLength() {
        PickleBytes p = PickleBytes.protocol2().op(NONE);
        for (int level = 0; level < 30; level++) {
            p.op(BINPUT).raw(0).op(POP).mark();
            for (int i = 0; i < 10; i++) {
                p.op(BINGET).raw(0);
            }
            p.op(TUPLE);
        }
        byte[] pickle = p.stop();
        Object root = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PickleReader.read(pickle, "test"));
        assertInstanceOf(PyValues.PyTuple.class, root);
    }

    @Test
    void theStackAndTheMemoAreBounded() {
        int limit = PickleReader.MAX_STACK;
        PickleBytes stack = PickleBytes.protocol2();
        for (int i = 0; i <= limit; i++) {
            stack.op(NONE);
        }
        int at = stack.offset() - 1;
        assertRefused(stack.stop(), at, "more than " + limit + " values on the stack or in the memo");

        PickleBytes memo = PickleBytes.protocol2().op(NONE);
        for (int i = 0; i <= limit; i++) {
            memo.op(MEMOIZE);
        }
        at = memo.offset() - 1;
        assertRefused(memo.stop(), at, "more than " + limit + " values on the stack or in the memo");
    }

    @Test
    void declaredLengthsMustFitInThePickle() {
        assertRefused(PickleBytes.protocol2().op(BINUNICODE).u32(0xFFFF_FFFFL).stop(), 2,
                "declares 4294967295 bytes, the pickle has 1 left");
        assertRefused(PickleBytes.protocol2().op(BINUNICODE8).u64(1L << 62).stop(), 2,
                "declares 4611686018427387904 bytes, the pickle has 1 left");
        assertRefused(PickleBytes.protocol2().op(FRAME).u64(-1L).op(NONE).stop(), 2,
                "declares 18446744073709551615 bytes, the pickle has 2 left");
        assertRefused(PickleBytes.protocol2().op(SHORT_BINUNICODE).raw(200).raw('x').stop(), 2,
                "needs 200 more bytes, the pickle has 2");
        assertRefused(PickleBytes.protocol2().op(LONG1).raw(255).stop(), 2, "needs 255 more bytes, the pickle has 1");
    }

    /** Every prefix of a real checkpoint's pickle fails with the reader's own exception, naming an offset. */
    @Test
    void aPickleCutShortAnywhereIsAnError() throws IOException {
        byte[] pickle = PyTorchFixtures.entry(PyTorchFixtures.path("tiny_checkpoint.pth"), "/data.pkl");
        for (int length = 0; length < pickle.length; length++) {
            byte[] cut = Arrays.copyOf(pickle, length);
            var e = assertThrows(PyTorchCheckpointException.class, () -> PickleReader.read(cut, "cut"),
                    "prefix of " + length + " bytes");
            assertTrue(e.getMessage().startsWith("cut offset "), e.getMessage());
        }
        assertDoesNotThrow(() -> PickleReader.read(pickle, "whole"));
    }
}
