package org.resnet4j.io.pytorch;

import static org.resnet4j.io.pytorch.PickleOpcodes.*;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.resnet4j.io.DType;
import org.resnet4j.io.pytorch.PyValues.PyDict;
import org.resnet4j.io.pytorch.PyValues.PyList;
import org.resnet4j.io.pytorch.PyValues.PyNone;
import org.resnet4j.io.pytorch.PyValues.PyTuple;

/**
 * A pickle interpreter for state dicts: the stack machine of Python's {@code pickle} module, protocols 2 to 5, with
 * only the opcodes that build plain data (None, bools, ints, floats, strings, tuples, lists, dicts), the memo,
 * persistent ids (storages) and GLOBAL/REDUCE/BUILD limited to {@link AllowedGlobals}. Opcodes that create objects of
 * arbitrary classes (INST, OBJ, NEWOBJ, EXT*) and every other one are refused. Nothing is instantiated by name.
 *
 * <p>Bounds, so that a hostile pickle costs memory in proportion to its length and cannot exhaust the stack: nesting
 * (of MARKs and of containers) at most {@value #MAX_DEPTH}, at most {@value #MAX_STACK} values on the stack and in
 * the memo, every declared length checked against the bytes that remain before anything is allocated. The reader
 * never walks what it built, so a list holding itself is harmless.
 *
 * <p>Every refusal is a {@link PyTorchCheckpointException} naming the source and the offset of the opcode.
 */
final class PickleReader {
    /** Far beyond a checkpoint's nesting (a state dict inside a checkpoint dict is 4 levels with its tensors). */
    static final int MAX_DEPTH = 64;
    /**
     * Values on the stack, and memo entries: the pickle of a torchvision ResNet-152 checkpoint with its SGD momentum
     * buffers (932 tensors in the state dict) memoizes 11,760 values, so this leaves room for models 300 times larger.
     */
    static final int MAX_STACK = 1 << 22;
    private static final int HIGHEST_PROTOCOL = 5;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final byte[] bytes;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    /** Stack sizes at each open MARK. */
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new HashMap<>();
    private int pos;

    private PickleReader(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    /**
     * Interprets {@code pickle} and returns the value STOP leaves.
     *
     * @param source names the bytes in messages, for example {@code "ckpt.pth: archive/data.pkl"}
     */
    static Object read(byte[] pickle, String source) throws PyTorchCheckpointException {
        return new PickleReader(pickle, source).run();
    }

    private Object run() throws PyTorchCheckpointException {
        while (true) {
            int at = pos;
            if (pos >= bytes.length) {
                throw new PyTorchCheckpointException(source + " offset " + at + ": the pickle ends without STOP");
            }
            int op = bytes[pos++] & 0xFF;
            try {
                if (op == STOP) {
                    return stop();
                }
                step(op);
                if (stack.size() > MAX_STACK || memo.size() > MAX_STACK) {
                    throw new PickleRefusal("more than " + MAX_STACK + " values on the stack or in the memo");
                }
            } catch (PickleRefusal refusal) {
                throw new PyTorchCheckpointException(source + " offset " + at + ": " + refusal.getMessage());
            }
        }
    }

    private void step(int op) throws PickleRefusal {
        switch (op) {
            case PROTO -> {
                int version = u8();
                if (version < 2 || version > HIGHEST_PROTOCOL) {
                    throw new PickleRefusal("pickle protocol " + version + " (torch.save writes 2; 2 to "
                            + HIGHEST_PROTOCOL + " are read)");
                }
            }
            case FRAME -> length(8);
            case MARK -> {
                if (marks.size() >= MAX_DEPTH) {
                    throw new PickleRefusal("MARKs nested deeper than " + MAX_DEPTH);
                }
                marks.add(stack.size());
            }
            case POP -> {
                if (stack.size() > base()) {
                    pop();
                } else {
                    popToMark();
                }
            }
            case POP_MARK -> popToMark();
            case NONE -> push(PyNone.NONE);
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case BININT -> push((long) ByteBuffer.wrap(take(4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
            case BININT1 -> push((long) u8());
            case BININT2 -> push((long) (u8() | u8() << 8));
            case LONG1 -> push(littleEndianInteger(take(u8())));
            case BINFLOAT -> push(ByteBuffer.wrap(take(8)).getDouble());
            case BINUNICODE -> push(utf8(take(length(4))));
            case SHORT_BINUNICODE -> push(utf8(take(u8())));
            case BINUNICODE8 -> push(utf8(take(length(8))));
            case EMPTY_TUPLE -> push(new PyTuple(List.of()));
            case TUPLE -> push(tuple(popToMark()));
            case TUPLE1, TUPLE2, TUPLE3 -> push(tuple(popN(op - TUPLE1 + 1)));
            case EMPTY_LIST -> push(new PyList());
            case LIST -> push(append(new PyList(), popToMark()));
            case APPEND -> {
                Object item = pop();
                append(peek(PyList.class, "APPEND"), List.of(item));
            }
            case APPENDS -> {
                List<Object> items = popToMark();
                append(peek(PyList.class, "APPENDS"), items);
            }
            case EMPTY_DICT -> push(new PyDict());
            case DICT -> push(setItems(new PyDict(), popToMark()));
            case SETITEM -> {
                List<Object> pair = popN(2);
                setItems(peek(PyDict.class, "SETITEM"), pair);
            }
            case SETITEMS -> {
                List<Object> items = popToMark();
                setItems(peek(PyDict.class, "SETITEMS"), items);
            }
            case BINPUT -> memo.put((long) u8(), top());
            case LONG_BINPUT -> memo.put(u32(), top());
            case MEMOIZE -> memo.put((long) memo.size(), top());
            case BINGET -> push(memoGet(u8()));
            case LONG_BINGET -> push(memoGet(u32()));
            case GLOBAL -> {
                String module = line();
                push(AllowedGlobals.resolve(module, line()));
            }
            case STACK_GLOBAL -> {
                List<Object> names = popN(2);
                if (!(names.get(0) instanceof String module) || !(names.get(1) instanceof String name)) {
                    throw new PickleRefusal("STACK_GLOBAL needs two strings, got " + PyValues.typeName(names.get(0))
                            + " and " + PyValues.typeName(names.get(1)));
                }
                push(AllowedGlobals.resolve(module, name));
            }
            case REDUCE -> {
                List<Object> callAndArgs = popN(2);
                push(AllowedGlobals.call(callAndArgs.get(0), callAndArgs.get(1)));
            }
            case BUILD -> build(pop());
            case BINPERSID -> push(persistentLoad(pop()));
            default -> throw new PickleRefusal("opcode " + PickleOpcodes.describe(op)
                    + " is not allowed in a state dict (it builds arbitrary objects or is not part of protocols 2-5)");
        }
    }

    private Object stop() throws PickleRefusal {
        if (!marks.isEmpty() || stack.size() != 1) {
            throw new PickleRefusal("STOP with " + stack.size() + " values on the stack and " + marks.size()
                    + " open MARKs (a pickle ends with exactly one value)");
        }
        if (pos != bytes.length) {
            throw new PickleRefusal((bytes.length - pos) + " bytes after STOP");
        }
        return stack.getFirst();
    }

    /** BUILD on a dict sets its attributes (OrderedDict's {@code _metadata} of a state dict): not needed, dropped. */
    private void build(Object state) throws PickleRefusal {
        Object target = top();
        if (!(target instanceof PyDict)) {
            throw new PickleRefusal("BUILD is allowed only on a dict, not on " + PyValues.typeName(target));
        }
        if (!(state instanceof PyDict) && state != PyNone.NONE) {
            throw new PickleRefusal("BUILD's state must be a dict or None, got " + PyValues.typeName(state));
        }
    }

    /** {@code persistent_load(("storage", torch.<Type>Storage, key, location, numel))}. */
    private StorageRef persistentLoad(Object pid) throws PickleRefusal {
        if (!(pid instanceof PyTuple id) || id.size() != 5 || !"storage".equals(id.get(0))) {
            throw new PickleRefusal("a persistent id must be ('storage', type, key, location, numel), got "
                    + PyValues.typeName(pid) + (pid instanceof PyTuple t ? " of " + t.size() : ""));
        }
        DType dtype = AllowedGlobals.storageType(id.get(1));
        if (!(id.get(2) instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw new PickleRefusal("a storage key must be 1 to 64 letters, digits or '_', got "
                    + (id.get(2) instanceof String s ? "'" + s + "'" : PyValues.typeName(id.get(2))));
        }
        if (!(id.get(3) instanceof String location) || !(id.get(4) instanceof Long numel) || numel < 0) {
            throw new PickleRefusal("storage '" + key + "': location must be a str and numel an int >= 0");
        }
        StorageRef storage = new StorageRef(key, dtype, numel, location);
        StorageRef earlier = storages.putIfAbsent(key, storage);
        if (earlier != null && (earlier.dtype() != dtype || earlier.numel() != numel)) {
            throw new PickleRefusal("storage '" + key + "' is referred to as " + earlier.numel() + " " + earlier.dtype()
                    + " and as " + numel + " " + dtype + " elements");
        }
        return earlier != null ? earlier : storage;
    }

    private PyTuple tuple(List<Object> items) throws PickleRefusal {
        PyTuple tuple = new PyTuple(items);
        checkDepth(tuple.depth());
        return tuple;
    }

    private PyList append(PyList list, List<Object> items) throws PickleRefusal {
        for (Object item : items) {
            list.depth = Math.max(list.depth, 1 + PyValues.depth(item));
            list.items.add(item);
        }
        checkDepth(list.depth);
        return list;
    }

    private PyDict setItems(PyDict dict, List<Object> items) throws PickleRefusal {
        if (items.size() % 2 != 0) {
            throw new PickleRefusal("a dict needs key-value pairs, got " + items.size() + " values");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            Object value = items.get(i + 1);
            if (!PyValues.isKey(key)) {
                throw new PickleRefusal("a dict key of type " + PyValues.typeName(key) + " (keys must be str, int, "
                        + "float, bool, None or a tuple of those)");
            }
            dict.depth = Math.max(dict.depth, 1 + Math.max(PyValues.depth(key), PyValues.depth(value)));
            dict.items.put(key, value);
        }
        checkDepth(dict.depth);
        return dict;
    }

    private static void checkDepth(int depth) throws PickleRefusal {
        if (depth > MAX_DEPTH) {
            throw new PickleRefusal("containers nested deeper than " + MAX_DEPTH);
        }
    }

    private Object memoGet(long index) throws PickleRefusal {
        Object value = memo.get(index);
        if (value == null) {
            throw new PickleRefusal("memo entry " + index + " was never stored");
        }
        return value;
    }

    private int base() {
        return marks.isEmpty() ? 0 : marks.getLast();
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object top() throws PickleRefusal {
        if (stack.size() <= base()) {
            throw new PickleRefusal("stack underflow (no value above the last MARK)");
        }
        return stack.getLast();
    }

    private Object pop() throws PickleRefusal {
        top();
        return stack.removeLast();
    }

    private <T> T peek(Class<T> type, String opcode) throws PickleRefusal {
        Object target = top();
        if (!type.isInstance(target)) {
            throw new PickleRefusal(opcode + " on " + PyValues.typeName(target));
        }
        return type.cast(target);
    }

    private List<Object> popN(int count) throws PickleRefusal {
        if (stack.size() - base() < count) {
            throw new PickleRefusal("stack underflow (needs " + count + " values above the last MARK)");
        }
        List<Object> view = stack.subList(stack.size() - count, stack.size());
        List<Object> items = new ArrayList<>(view);
        view.clear();
        return items;
    }

    private List<Object> popToMark() throws PickleRefusal {
        if (marks.isEmpty()) {
            throw new PickleRefusal("no MARK to pop to");
        }
        int mark = marks.removeLast();
        List<Object> view = stack.subList(mark, stack.size());
        List<Object> items = new ArrayList<>(view);
        view.clear();
        return items;
    }

    private byte[] take(int count) throws PickleRefusal {
        if (count > bytes.length - pos) {
            throw new PickleRefusal("needs " + count + " more bytes, the pickle has " + (bytes.length - pos));
        }
        byte[] taken = new byte[count];
        System.arraycopy(bytes, pos, taken, 0, count);
        pos += count;
        return taken;
    }

    private int u8() throws PickleRefusal {
        return take(1)[0] & 0xFF;
    }

    private long u32() throws PickleRefusal {
        return ByteBuffer.wrap(take(4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    /** A declared length of {@code width} bytes, which must fit in what remains of the pickle. */
    private int length(int width) throws PickleRefusal {
        long declared = width == 4 ? u32()
                : ByteBuffer.wrap(take(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (declared < 0 || declared > bytes.length - pos) {
            throw new PickleRefusal("declares " + Long.toUnsignedString(declared) + " bytes, the pickle has "
                    + (bytes.length - pos) + " left");
        }
        return (int) declared;
    }

    /** A GLOBAL operand: text up to a newline. */
    private String line() throws PickleRefusal {
        for (int i = pos; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                byte[] text = take(i - pos);
                pos++;
                return utf8(text);
            }
        }
        throw new PickleRefusal("GLOBAL's operand has no terminating newline");
    }

    private static String utf8(byte[] text) throws PickleRefusal {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            throw new PickleRefusal("a string is not valid UTF-8");
        }
    }

    /** LONG1's operand: two's complement, little-endian; empty is 0. */
    private static Object littleEndianInteger(byte[] little) {
        byte[] big = new byte[Math.max(1, little.length)];
        for (int i = 0; i < little.length; i++) {
            big[big.length - 1 - i] = little[i];
        }
        BigInteger value = new BigInteger(big);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
}
