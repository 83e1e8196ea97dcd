package org.resnet4j.io.pytorch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resnet4j.io.DType;
import org.resnet4j.io.pytorch.PyValues.PyDict;
import org.resnet4j.io.pytorch.PyValues.PyGlobal;
import org.resnet4j.io.pytorch.PyValues.PyNone;
import org.resnet4j.io.pytorch.PyValues.PyTuple;

/**
 * The only Python globals a checkpoint may name, and what calling each one (REDUCE) builds. The same idea as
 * {@code torch.load(weights_only=True)}, narrowed to state dicts: a pickle can run any importable function through
 * GLOBAL + REDUCE, so anything not listed here is refused where it is named, before it could be called.
 *
 * <ul>
 *   <li>{@code collections.OrderedDict}, called with no arguments: the state dict itself and each tensor's empty
 *       {@code backward_hooks};</li>
 *   <li>{@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[,
 *       metadata])}: a tensor, a view into a storage;</li>
 *   <li>{@code torch._utils._rebuild_parameter(tensor, requires_grad, backward_hooks)} and, as PyTorch 2 writes for a
 *       parameter with attributes, {@code _rebuild_parameter_with_state(..., state)}: an {@code nn.Parameter}, read as
 *       its tensor;</li>
 *   <li>{@code torch.<Type>Storage} for the ten element types below: only as the type inside a storage's persistent
 *       id, never called.</li>
 * </ul>
 */
final class AllowedGlobals {
    static final String ORDERED_DICT = "collections.OrderedDict";
    static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
    private static final List<String> CALLABLE_NAMES = List.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER,
            REBUILD_PARAMETER_WITH_STATE);
    private static final Set<String> CALLABLE = Set.copyOf(CALLABLE_NAMES);
    private static final Map<String, DType> STORAGE_TYPES = Map.of(
            "torch.FloatStorage", DType.F32,
            "torch.DoubleStorage", DType.F64,
            "torch.HalfStorage", DType.F16,
            "torch.BFloat16Storage", DType.BF16,
            "torch.LongStorage", DType.I64,
            "torch.IntStorage", DType.I32,
            "torch.ShortStorage", DType.I16,
            "torch.CharStorage", DType.I8,
            "torch.ByteStorage", DType.U8,
            "torch.BoolStorage", DType.BOOL);

    private AllowedGlobals() {
    }

    /** The global {@code module.name}, if the list allows it. */
    static PyGlobal resolve(String module, String name) throws PickleRefusal {
        String qualified = module + "." + name;
        if (!CALLABLE.contains(qualified) && !STORAGE_TYPES.containsKey(qualified)) {
            throw new PickleRefusal("global " + qualified + " is not allowed" + hint(module)
                    + " (a state dict needs only " + ORDERED_DICT + ", " + REBUILD_TENSOR + ", " + REBUILD_PARAMETER
                    + "[_with_state] and torch.<Type>Storage; anything else could run code when loaded)");
        }
        return new PyGlobal(module, name);
    }

    private static String hint(String module) {
        if (module.equals("__main__") || module.startsWith("__torch__")) {
            return ": the file holds a whole module object (torch.save(model) or torch.jit.save), not a state dict; "
                    + "save model.state_dict() instead";
        }
        return "";
    }

    /** The element type of a storage-type global, for a persistent id. */
    static DType storageType(Object type) throws PickleRefusal {
        DType dtype = type instanceof PyGlobal g ? STORAGE_TYPES.get(g.qualifiedName()) : null;
        if (dtype == null) {
            throw new PickleRefusal("a storage's type must be one of torch.<Float|Double|Half|BFloat16|Long|Int|Short|"
                    + "Char|Byte|Bool>Storage, got " + PyValues.typeName(type));
        }
        return dtype;
    }

    /** REDUCE: {@code callable(*args)}. */
    static Object call(Object callable, Object args) throws PickleRefusal {
        if (!(callable instanceof PyGlobal global) || !CALLABLE.contains(global.qualifiedName())) {
            throw new PickleRefusal("REDUCE may call only " + String.join(", ", CALLABLE_NAMES)
                    + ", not " + PyValues.typeName(callable));
        }
        if (!(args instanceof PyTuple tuple)) {
            throw new PickleRefusal("REDUCE's arguments must be a tuple, got " + PyValues.typeName(args));
        }
        return switch (global.qualifiedName()) {
            case ORDERED_DICT -> orderedDict(tuple);
            case REBUILD_TENSOR -> rebuildTensor(tuple);
            default -> rebuildParameter(global.qualifiedName(), tuple);
        };
    }

    private static PyDict orderedDict(PyTuple args) throws PickleRefusal {
        if (args.size() != 0) {
            throw new PickleRefusal(ORDERED_DICT + " must be called without arguments (its items come by SETITEMS), "
                    + "got " + args.size());
        }
        return new PyDict();
    }

    private static TensorRef rebuildTensor(PyTuple args) throws PickleRefusal {
        if (args.size() != 6 && args.size() != 7) {
            throw new PickleRefusal(REBUILD_TENSOR + " takes (storage, storage_offset, size, stride, requires_grad, "
                    + "backward_hooks[, metadata]), got " + args.size() + " arguments");
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw new PickleRefusal(REBUILD_TENSOR + ": argument 1 must be a storage (a persistent id), got "
                    + PyValues.typeName(args.get(0)));
        }
        long offset = integer(args.get(1), "storage_offset");
        long[] size = integers(args.get(2), "size");
        long[] stride = integers(args.get(3), "stride");
        expect(args.get(4) instanceof Boolean, "requires_grad", "a bool", args.get(4));
        expect(args.get(5) instanceof PyDict, "backward_hooks", "an OrderedDict", args.get(5));
        if (args.size() == 7) {
            expect(args.get(6) == PyNone.NONE || args.get(6) instanceof PyDict, "metadata", "None or a dict",
                    args.get(6));
            // PyTorch writes metadata only for a set lazy "neg" or "conj" bit: the storage then holds the values before
            // that operation, which torch.load applies afterwards. Read as stored, they would silently be wrong.
            if (args.get(6) instanceof PyDict metadata) {
                for (var flag : metadata.items.entrySet()) {
                    if (!Boolean.FALSE.equals(flag.getValue())) {
                        throw new PickleRefusal(REBUILD_TENSOR + ": metadata sets '" + flag.getKey() + "' ("
                                + (Boolean.TRUE.equals(flag.getValue()) ? "True" : PyValues.typeName(flag.getValue()))
                                + "): a view with PyTorch's lazy negation or "
                                + "conjugation bit, whose storage does not hold its values; save "
                                + "tensor.resolve_neg().resolve_conj() instead");
                    }
                }
            }
        }
        return TensorRef.checked(storage, offset, size, stride);
    }

    private static TensorRef rebuildParameter(String name, PyTuple args) throws PickleRefusal {
        int expected = name.equals(REBUILD_PARAMETER) ? 3 : 4;
        if (args.size() != expected) {
            throw new PickleRefusal(name + " takes " + expected + " arguments, got " + args.size());
        }
        expect(args.get(0) instanceof TensorRef, "data", "a tensor", args.get(0));
        expect(args.get(1) instanceof Boolean, "requires_grad", "a bool", args.get(1));
        expect(args.get(2) instanceof PyDict, "backward_hooks", "an OrderedDict", args.get(2));
        if (expected == 4) {
            expect(args.get(3) == PyNone.NONE || args.get(3) instanceof PyDict || args.get(3) instanceof PyTuple,
                    "state", "None, a dict or a tuple", args.get(3));
        }
        return (TensorRef) args.get(0);
    }

    private static void expect(boolean ok, String what, String expected, Object got) throws PickleRefusal {
        if (!ok) {
            throw new PickleRefusal("tensor argument " + what + " must be " + expected + ", got "
                    + PyValues.typeName(got));
        }
    }

    private static long integer(Object value, String what) throws PickleRefusal {
        if (!(value instanceof Long number)) {
            throw new PickleRefusal("tensor " + what + " must be an int, got " + PyValues.typeName(value));
        }
        return number;
    }

    private static long[] integers(Object value, String what) throws PickleRefusal {
        if (!(value instanceof PyTuple tuple)) {
            throw new PickleRefusal("tensor " + what + " must be a tuple of ints, got " + PyValues.typeName(value));
        }
        if (tuple.size() > TensorRef.MAX_RANK) {
            throw new PickleRefusal("tensor " + what + " has " + tuple.size() + " dimensions, more than "
                    + TensorRef.MAX_RANK);
        }
        long[] values = new long[tuple.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = integer(tuple.get(i), what + "[" + i + "]");
        }
        return values;
    }
}
