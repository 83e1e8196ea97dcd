package org.resnet4j.io.pytorch;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The Python values a state-dict pickle builds, as inert Java data: {@code None}, {@code bool} ({@link Boolean}),
 * {@code int} ({@link Long}, or {@link BigInteger} beyond 64 bits), {@code float} ({@link Double}), {@code str}
 * ({@link String}), tuples, lists, dicts, references to allowed globals, and the {@link StorageRef} and
 * {@link TensorRef} that the tensor globals build. Nothing here runs code or names a Java class to load.
 *
 * <p>Containers record their nesting depth when built or filled, so that {@link PickleReader} can refuse nesting
 * beyond its limit without walking a structure (which a self-referencing list would make endless).
 */
final class PyValues {
    private PyValues() {
    }

    /** Python's {@code None}. */
    enum PyNone {
        NONE
    }

    /** An immutable tuple; {@code depth} is one more than its deepest item's. */
    record PyTuple(List<Object> items, int depth) {
        PyTuple(List<Object> items) {
            this(List.copyOf(items), 1 + maxDepth(items));
        }

        int size() {
            return items.size();
        }

        Object get(int index) {
            return items.get(index);
        }
    }

    /** A list, filled by APPEND(S) after it was created. */
    static final class PyList {
        final List<Object> items = new ArrayList<>();
        int depth = 1;
    }

    /** A dict or {@code collections.OrderedDict}, in insertion order; {@code BUILD} state (attributes) is dropped. */
    static final class PyDict {
        final LinkedHashMap<Object, Object> items = new LinkedHashMap<>();
        int depth = 1;
    }

    /** A reference to a global that the allow-list ({@link AllowedGlobals}) admitted. */
    record PyGlobal(String module, String name) {
        String qualifiedName() {
            return module + "." + name;
        }
    }

    static int depth(Object value) {
        return switch (value) {
            case PyTuple t -> t.depth();
            case PyList l -> l.depth;
            case PyDict d -> d.depth;
            default -> 0;
        };
    }

    static int maxDepth(List<Object> items) {
        int max = 0;
        for (Object item : items) {
            max = Math.max(max, depth(item));
        }
        return max;
    }

    /** Whether Python could use {@code value} as a dict key and this reader can compare it safely (no deep hashing). */
    static boolean isKey(Object value) {
        if (value instanceof PyTuple tuple) {
            return tuple.items().stream().allMatch(PyValues::isScalar);
        }
        return isScalar(value);
    }

    private static boolean isScalar(Object value) {
        return value instanceof String || value instanceof Long || value instanceof BigInteger || value instanceof Double
                || value instanceof Boolean || value == PyNone.NONE;
    }

    /** The Python type of {@code value}, for messages (never its contents, which may be huge or cyclic). */
    static String typeName(Object value) {
        return switch (value) {
            case PyNone n -> "None";
            case Boolean b -> "bool";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case String s -> "str";
            case PyTuple t -> "tuple";
            case PyList l -> "list";
            case PyDict d -> "dict";
            case PyGlobal g -> "global " + g.qualifiedName();
            case StorageRef s -> "storage";
            case TensorRef t -> "tensor";
            default -> value.getClass().getSimpleName();
        };
    }
}
