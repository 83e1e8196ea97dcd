package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.io.pytorch.PickleOpcodes.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.io.SafeTensorsFile;

/**
 * The pickle reader runs only what a state dict needs: every other global is refused where the pickle names it
 * (with the file, entry and offset), every opcode that builds arbitrary objects is refused, and the allowed globals
 * accept only the arguments torch.save gives them.
 */
class PickleAllowListTest {
    @TempDir
    Path dir;

    /** Files made by Python's own pickle and torch.save, refused at the exact offset of the global's opcode. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "evil_posix_system.pth, posix, system",
            "evil_builtin_eval.pth, __builtin__, eval",
            "evil_builtins_exec.pth, builtins, exec",
            "evil_subprocess.pth, subprocess, Popen",
            "evil_whole_module.pth, __main__, TinyNet",
            "evil_in_state_dict.pth, posix, system",
            "evil_argparse.pth, argparse, Namespace"})
    void hostileCheckpointsAreRefusedAtTheGlobalTheyName(String fixture, String module, String name)
            throws IOException {
        Path file = PyTorchFixtures.path(fixture);
        byte[] pickle = PyTorchFixtures.entry(file, "/data.pkl");
        int offset = CheckpointZips.indexOf(pickle, ("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));

        var e = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(file));

        String expected = "/data.pkl offset " + offset + ": global " + module + "." + name + " is not allowed";
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aWholeModuleIsRefusedWithTheAdviceToSaveItsStateDict() throws IOException {
        var e = assertThrows(PyTorchCheckpointException.class,
                () -> PyTorchCheckpoints.read(PyTorchFixtures.path("evil_whole_module.pth")));

        assertTrue(e.getMessage().contains("save model.state_dict() instead"), e.getMessage());

        // torch.jit.save's classes live under __torch__.
        assertRefused(PickleBytes.protocol2().global("__torch__.torchvision.models.resnet", "ResNet").stop(), 2,
                "global __torch__.torchvision.models.resnet.ResNet is not allowed: the file holds a whole module object");
    }

    /** Globals a hostile pickle would reach for, named by GLOBAL and by protocol 4's STACK_GLOBAL. */
    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({
            "os, system", "nt, system", "posix, system", "builtins, eval", "builtins, exec", "builtins, getattr",
            "builtins, __import__", "builtins, open", "subprocess, Popen", "subprocess, run", "torch, load",
            "torch.storage, _load_from_bytes", "torch._utils, _rebuild_qtensor", "numpy.core.multiarray, _reconstruct",
            "copyreg, _reconstructor", "collections, defaultdict", "webbrowser, open", "__main__, Net",
            "torch._utils, _rebuild_tensor_v2x", "torch, FloatStorage2"})
    void everyOtherGlobalIsRefused(String module, String name) throws IOException {
        byte[] viaGlobal = PickleBytes.protocol2().global(module, name).str("payload").op(TUPLE1).op(REDUCE).stop();
        PickleBytes viaStack = PickleBytes.protocol2().stackGlobal(module, name);
        int stackGlobalOffset = viaStack.offset() - 1;
        byte[] viaStackGlobal = viaStack.str("payload").op(TUPLE1).op(REDUCE).stop();

        assertRefused(viaGlobal, 2, "global " + module + "." + name + " is not allowed");
        assertRefused(viaStackGlobal, stackGlobalOffset, "global " + module + "." + name + " is not allowed");
    }

    private static Arguments opcode(String name, Function<PickleBytes, PickleBytes> write, String message) {
        return Arguments.of(name, write, message);
    }

    static Stream<Arguments> forbiddenOpcodes() {
        return Stream.of(
                opcode("INST", p -> p.op('i').raw("os\nsystem\n".getBytes(StandardCharsets.UTF_8)),
                        "opcode INST (0x69) is not allowed"),
                opcode("OBJ", p -> p.op('o'), "opcode OBJ (0x6f)"),
                opcode("NEWOBJ", p -> p.op(0x81), "opcode NEWOBJ (0x81)"),
                opcode("NEWOBJ_EX", p -> p.op(0x92), "opcode NEWOBJ_EX (0x92)"),
                opcode("EXT1", p -> p.op(0x82).raw(1), "opcode EXT1 (0x82)"),
                opcode("PERSID", p -> p.op('P').raw('0', '\n'), "opcode PERSID (0x50)"),
                opcode("STRING", p -> p.op('S').raw('\'', 'x', '\'', '\n'), "opcode STRING (0x53)"),
                opcode("BINBYTES", p -> p.op('B').u32(0), "opcode BINBYTES (0x42)"),
                opcode("EMPTY_SET", p -> p.op(0x8f), "opcode EMPTY_SET (0x8f)"),
                opcode("0xff", p -> p.op(0xff), "byte 0xff (not a pickle opcode)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenOpcodes")
    void opcodesThatBuildArbitraryObjectsAreRefused(String name, Function<PickleBytes, PickleBytes> write,
                                                    String message) {
        assertRefused(write.apply(PickleBytes.protocol2()).stop(), 2, message);
    }

    @Test
    void reduceCallsOnlyTheAllowedFunctions() {
        assertRefused(PickleBytes.protocol2().global("torch", "FloatStorage").op(EMPTY_TUPLE).op(REDUCE).stop(), 23,
                "REDUCE may call only collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                        + "torch._utils._rebuild_parameter, torch._utils._rebuild_parameter_with_state, "
                        + "not global torch.FloatStorage");
        assertRefused(PickleBytes.protocol2().str("os.system").op(EMPTY_TUPLE).op(REDUCE).stop(), 17, "not str");
        assertRefused(PickleBytes.protocol2().global("collections", "OrderedDict").op(EMPTY_LIST).op(REDUCE).stop(), 28,
                "REDUCE's arguments must be a tuple, got list");
        assertRefused(PickleBytes.protocol2().global("collections", "OrderedDict").str("x").op(TUPLE1).op(REDUCE).stop(),
                34, "collections.OrderedDict must be called without arguments");
    }

    @Test
    void buildOnlySetsAttributesOfADict() {
        assertRefused(PickleBytes.protocol2().op(EMPTY_LIST).op(EMPTY_DICT).op(BUILD).stop(), 4,
                "BUILD is allowed only on a dict, not on list");
        assertRefused(PickleBytes.protocol2().op(EMPTY_DICT).op(EMPTY_LIST).op(BUILD).stop(), 4,
                "BUILD's state must be a dict or None, got list");
    }

    @Test
    void persistentIdsMustNameAStorageOfAnAllowedType() {
        PickleBytes wrongType = PickleBytes.protocol2().mark().str("storage").global("collections", "OrderedDict")
                .str("0").str("cpu").integer(4).op(TUPLE);
        int at = wrongType.offset();
        assertRefused(wrongType.op(BINPERSID).stop(), at, "a storage's type must be one of "
                + "torch.<Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool>Storage, got global "
                + "collections.OrderedDict");

        PickleBytes short_ = PickleBytes.protocol2().mark().str("storage").str("0").op(TUPLE);
        at = short_.offset();
        assertRefused(short_.op(BINPERSID).stop(), at,
                "a persistent id must be ('storage', type, key, location, numel), got tuple of 2");

        PickleBytes outside = PickleBytes.protocol2().storage("FloatStorage", "../../etc/passwd", 4);
        at = outside.offset() - 1; // BINPERSID ends storage()
        assertRefused(outside.stop(), at,
                "a storage key must be 1 to 64 letters, digits or '_', got '../../etc/passwd'");

        PickleBytes twice = PickleBytes.protocol2().storage("FloatStorage", "0", 4).storage("HalfStorage", "0", 8);
        at = twice.offset() - 1;
        assertRefused(twice.op(TUPLE2).stop(), at,
                "storage '0' is referred to as 4 F32 and as 8 F16 elements");
    }

    static Stream<Arguments> badTensorArguments() {
        return Stream.of(
                Arguments.of("offset must be an int", -1L, 0L, new long[] {2}, new long[] {1}, "storage_offset must be an int"),
                Arguments.of("negative offset", 0L, -1L, new long[] {2}, new long[] {1}, "must not be negative"),
                Arguments.of("negative stride", 0L, 0L, new long[] {2}, new long[] {-1}, "must not be negative"),
                Arguments.of("beyond the storage", 0L, 3L, new long[] {2}, new long[] {1}, "reaches element 4, outside the storage"),
                Arguments.of("strided beyond", 0L, 0L, new long[] {2, 2}, new long[] {3, 1}, "reaches element 4, outside"),
                Arguments.of("rank mismatch", 0L, 0L, new long[] {2, 2}, new long[] {1}, "must have the same rank"),
                Arguments.of("too large", 0L, 0L, new long[] {1L << 31, 2}, new long[] {0, 0}, "larger than one Java array"),
                Arguments.of("overflowing", 0L, 0L, new long[] {1L << 62, 1L << 62}, new long[] {0, 0}, "larger than one Java array"));
    }

    /** {@code _rebuild_tensor_v2} over a 4-element F32 storage with bad arguments. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badTensorArguments")
    void tensorArgumentsAreChecked(String what, long marker, long offset, long[] size, long[] stride, String message) {
        PickleBytes p = PickleBytes.protocol2().global("torch._utils", "_rebuild_tensor_v2").mark()
                .storage("FloatStorage", "0", 4);
        if (marker < 0) {
            p.str("0");
        } else {
            p.integer(offset);
        }
        p.ints(size).ints(stride).op(NEWFALSE).orderedDict().op(TUPLE);
        int reduce = p.offset();
        assertRefused(p.op(REDUCE).stop(), reduce, message);
    }

    @Test
    void rebuildTensorTakesSixOrSevenArguments() {
        PickleBytes p = PickleBytes.protocol2().global("torch._utils", "_rebuild_tensor_v2").mark()
                .storage("FloatStorage", "0", 4).integer(0).ints(4).ints(1).op(NEWFALSE).op(TUPLE);
        int reduce = p.offset();
        assertRefused(p.op(REDUCE).stop(), reduce, "got 5 arguments");
    }

    /** What PyTorch 2 writes and torch 1.13 cannot: the metadata argument, and a parameter with attributes. */
    @Test
    void theNewerSignaturesOfTheTensorFunctionsAreRead() throws IOException {
        PickleBytes tensor = new PickleBytes().global("torch._utils", "_rebuild_parameter_with_state").mark()
                .global("torch._utils", "_rebuild_tensor_v2").mark().storage("FloatStorage", "0", 4).integer(1)
                .ints(3).ints(1).op(NEWFALSE).orderedDict().op(NONE).op(TUPLE).op(REDUCE)
                .op(NEWTRUE).orderedDict().op(EMPTY_DICT).str("note").integer(1).op(SETITEM).op(TUPLE).op(REDUCE);
        byte[] pickle = PickleBytes.protocol2().asStateDictEntry("w", tensor);
        Path file = CheckpointZips.write(dir.resolve("new.pth"), CheckpointZips.checkpoint(pickle,
                Map.of("0", CheckpointZips.floats(1, 2, 3, 4))));

        SafeTensorsFile read = PyTorchCheckpoints.read(file);

        assertArrayEquals(new float[] {2, 3, 4}, read.floats("w"));
    }

    /**
     * PyTorch 2 saves a view with its lazy negation bit (torch._neg_view, the imaginary part of a conjugate) as the
     * un-negated storage plus metadata {"neg": True} that torch.load applies: read without it, every value would come
     * out with the wrong sign, so such a tensor is refused.
     */
    @Test
    void aTensorWhoseMetadataNegatesItsStorageIsRefused() throws IOException {
        PickleBytes tensor = new PickleBytes().global("torch._utils", "_rebuild_tensor_v2").mark()
                .storage("FloatStorage", "0", 3).integer(0).ints(3).ints(1).op(NEWFALSE).orderedDict()
                .op(EMPTY_DICT).str("neg").op(NEWTRUE).op(SETITEM).op(TUPLE);
        int reduce = tensor.offset();
        byte[] pickle = PickleBytes.protocol2().asStateDictEntry("w", tensor.op(REDUCE));
        Path file = CheckpointZips.write(dir.resolve("neg.pth"), CheckpointZips.checkpoint(pickle,
                Map.of("0", CheckpointZips.floats(1, 2, 3))));

        var e = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(file));

        // The tensor's REDUCE, after PROTO 2, EMPTY_DICT and the key's BINUNICODE.
        int offset = 2 + 1 + 5 + 1 + reduce;
        assertTrue(e.getMessage().contains("offset " + offset + ": ") && e.getMessage().contains("'neg'"),
                e.getMessage());
    }

    @Test
    void containersMustBeUsedAsPythonAllowsAndKeysMustBeHashable() {
        assertRefused(PickleBytes.protocol2().op(EMPTY_DICT).op(NONE).op(APPEND).stop(), 4, "APPEND on dict");
        assertRefused(PickleBytes.protocol2().op(EMPTY_LIST).op(NONE).op(NONE).op(SETITEM).stop(), 5,
                "SETITEM on list");
        assertRefused(PickleBytes.protocol2().op(EMPTY_DICT).op(EMPTY_LIST).op(NONE).op(SETITEM).stop(), 5,
                "a dict key of type list");
        assertRefused(PickleBytes.protocol2().op(EMPTY_DICT).op(EMPTY_TUPLE).op(TUPLE1).op(NONE).op(SETITEM).stop(), 6,
                "a dict key of type tuple");
        assertRefused(PickleBytes.protocol2().mark().op(NONE).op(DICT).stop(), 4, "a dict needs key-value pairs");
    }

    @Test
    void theStackAndMemoAreUsedConsistently() {
        assertRefused(PickleBytes.protocol2().op(REDUCE).stop(), 2, "stack underflow");
        assertRefused(PickleBytes.protocol2().op(NONE).mark().op(APPEND).stop(), 4, "stack underflow");
        assertRefused(PickleBytes.protocol2().op(NONE).op(TUPLE).stop(), 3, "no MARK to pop to");
        assertRefused(PickleBytes.protocol2().op(BINGET).raw(5).stop(), 2, "memo entry 5 was never stored");
        assertRefused(PickleBytes.protocol2().op(BINPUT).raw(0).stop(), 2, "stack underflow");
        assertRefused(PickleBytes.protocol2().op(NONE).op(NONE).stop(), 4, "STOP with 2 values on the stack");
        assertRefused(PickleBytes.protocol2().mark().op(NONE).stop(), 4, "and 1 open MARKs");
        assertRefused(PickleBytes.protocol2().op(NONE).op(STOP).op(NONE).bytes(), 3, "1 bytes after STOP");
        assertRefused(PickleBytes.protocol2().op(NONE).bytes(), 3, "the pickle ends without STOP");
        assertRefused(new PickleBytes().op(PROTO).raw(6).op(NONE).stop(), 0, "pickle protocol 6");
        assertRefused(PickleBytes.protocol2().op(GLOBAL).raw('o', 's').stop(), 2, "no terminating newline");
        assertRefused(PickleBytes.protocol2().op(SHORT_BINUNICODE).raw(2, 0xC3, 0x28).op(NONE).stop(), 2,
                "not valid UTF-8");
    }

    /** The plain values a training checkpoint holds besides tensors all read (tiny_checkpoint.pth's "extras"). */
    @Test
    void plainPythonValuesAreRead() throws IOException {
        Object root = PickleReader.read(PyTorchFixtures.entry(PyTorchFixtures.path("tiny_checkpoint.pth"), "/data.pkl"),
                "tiny_checkpoint");

        var top = (PyValues.PyDict) root;
        assertEquals(7L, top.items.get("epoch"));
        assertEquals(0.875, top.items.get("best_acc1"));
        var extras = ((PyValues.PyList) top.items.get("extras")).items;
        assertEquals(PyValues.PyNone.NONE, extras.get(0));
        assertEquals(Boolean.TRUE, extras.get(1));
        assertEquals(-5L, extras.get(3));
        assertEquals(70000L, extras.get(4));
        assertEquals(-(1L << 40), extras.get(5));
        assertEquals(java.math.BigInteger.TWO.pow(70), extras.get(6));
        assertEquals(new PyValues.PyTuple(java.util.List.of(1L, 2.5, "x")), extras.get(7));
    }

    static void assertRefused(byte[] pickle, int offset, String message) {
        var e = assertThrows(PyTorchCheckpointException.class, () -> PickleReader.read(pickle, "test.pth: a/data.pkl"));
        String prefix = "test.pth: a/data.pkl offset " + offset + ": ";
        assertTrue(e.getMessage().startsWith(prefix) && e.getMessage().contains(message),
                "expected '" + prefix + "...'" + message + "...', got: " + e.getMessage());
    }
}
