package org.resnet4j.io.pytorch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, for the pickles no honest {@code torch.save} writes. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with PROTO 2, as torch.save does. */
    static PickleBytes protocol2() {
        return new PickleBytes().op(PickleOpcodes.PROTO).raw(2);
    }

    int offset() {
        return out.size();
    }

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBytes u32(long value) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
    }

    PickleBytes u64(long value) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    PickleBytes global(String module, String name) {
        return op(PickleOpcodes.GLOBAL).raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBytes stackGlobal(String module, String name) {
        return str(module).str(name).op(PickleOpcodes.STACK_GLOBAL);
    }

    PickleBytes str(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return op(PickleOpcodes.BINUNICODE).u32(utf8.length).raw(utf8);
    }

    PickleBytes integer(long value) {
        if (value >= 0 && value < 256) {
            return op(PickleOpcodes.BININT1).raw((int) value);
        }
        if (value == (int) value) {
            return op(PickleOpcodes.BININT).u32(value);
        }
        return op(PickleOpcodes.LONG1).raw(8).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value).array());
    }

    PickleBytes ints(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return op(PickleOpcodes.TUPLE);
    }

    PickleBytes mark() {
        return op(PickleOpcodes.MARK);
    }

    /** {@code collections.OrderedDict()}. */
    PickleBytes orderedDict() {
        return global("collections", "OrderedDict").op(PickleOpcodes.EMPTY_TUPLE).op(PickleOpcodes.REDUCE);
    }

    /** A persistent id {@code ("storage", torch.<type>, key, "cpu", numel)} and BINPERSID. */
    PickleBytes storage(String type, String key, long numel) {
        return mark().str("storage").global("torch", type).str(key).str("cpu").integer(numel)
                .op(PickleOpcodes.TUPLE).op(PickleOpcodes.BINPERSID);
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}, as torch.save writes it. */
    PickleBytes tensor(String type, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark().storage(type, key, numel).integer(offset).ints(size)
                .ints(stride).op(PickleOpcodes.NEWFALSE).orderedDict().op(PickleOpcodes.TUPLE);
        return op(PickleOpcodes.REDUCE);
    }

    /** Wraps the value on the stack in {@code {name: value}} (EMPTY_DICT, key, value, SETITEM) and STOPs. */
    byte[] asStateDictEntry(String name, PickleBytes value) {
        op(PickleOpcodes.EMPTY_DICT).str(name).raw(value.out.toByteArray()).op(PickleOpcodes.SETITEM);
        return stop();
    }

    byte[] stop() {
        op(PickleOpcodes.STOP);
        return out.toByteArray();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
