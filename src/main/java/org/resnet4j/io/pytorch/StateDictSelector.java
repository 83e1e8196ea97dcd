package org.resnet4j.io.pytorch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.io.pytorch.PyValues.PyDict;

/**
 * Finds the state dict in what a checkpoint's pickle holds, and applies {@link StateDictOptions}: the top-level dict
 * when it holds only tensors ({@code torch.save(model.state_dict())}), else the dict under a training script's key
 * ({@code {"epoch": 90, "state_dict": ..., "best_acc1": tensor(75.2), "optimizer": ...}}), else a top level that
 * holds some tensors (whose other values are then named as the error). Only the chosen dict's tensors are read; the others
 * (optimizer momentum, for instance) are never loaded.
 */
final class StateDictSelector {

    /** The chosen tensors by final name, and the key they were found under (null for the top level). */
    record Selection(Map<String, TensorRef> tensors, String key) {
    }

    private StateDictSelector() {
    }

    static Selection select(Object root, StateDictOptions options, String source) throws PyTorchCheckpointException {
        if (!(root instanceof PyDict top)) {
            throw new PyTorchCheckpointException(source + ": the checkpoint holds a " + PyValues.typeName(root)
                    + ", not a dict of tensors");
        }
        String key = options.key();
        PyDict chosen;
        if (key != null) {
            if (!(top.items.get(key) instanceof PyDict nested)) {
                throw new PyTorchCheckpointException(source + ": " + (top.items.containsKey(key)
                        ? "the value of key '" + key + "' is a " + PyValues.typeName(top.items.get(key)) + ", not a dict"
                        : "no top-level key '" + key + "' (it has " + keys(top) + ")"));
            }
            chosen = nested;
        } else if (holdsOnlyTensors(top)) {
            chosen = top;
        } else {
            // A training script's checkpoint may keep a tensor among its plain values (pytorch/examples' ImageNet
            // script saves best_acc1 as one), so a top level that mixes them is a state dict only when no key of a
            // training script holds one.
            chosen = null;
            for (String candidate : PyTorchCheckpoints.NESTED_KEYS) {
                if (top.items.get(candidate) instanceof PyDict nested && holdsTensors(nested)) {
                    key = candidate;
                    chosen = nested;
                    break;
                }
            }
            if (chosen == null && holdsTensors(top)) {
                chosen = top; // a state dict with a stray value: its reading names that value
            } else if (chosen == null) {
                throw new PyTorchCheckpointException(source + ": no state dict found: the top-level dict holds no "
                        + "tensors and none of " + PyTorchCheckpoints.NESTED_KEYS + " holds a dict of them (it has "
                        + keys(top) + "); name the key that does");
            }
        }
        String where = key == null ? "" : " under '" + key + "'";
        return new Selection(rename(chosen, options.stripPrefix(), source, where), key);
    }

    private static boolean holdsOnlyTensors(PyDict dict) {
        return !dict.items.isEmpty() && dict.items.values().stream().allMatch(TensorRef.class::isInstance);
    }

    private static boolean holdsTensors(PyDict dict) {
        return dict.items.values().stream().anyMatch(TensorRef.class::isInstance);
    }

    private static Map<String, TensorRef> rename(PyDict dict, String prefix, String source, String where)
            throws PyTorchCheckpointException {
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> item : dict.items.entrySet()) {
            if (!(item.getKey() instanceof String name) || !(item.getValue() instanceof TensorRef tensor)) {
                throw new PyTorchCheckpointException(source + ": the state dict" + where + " maps "
                        + describeKey(item.getKey()) + " to a " + PyValues.typeName(item.getValue())
                        + "; a state dict maps names (str) to tensors");
            }
            String renamed = prefix != null && name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            if (renamed.isEmpty()) {
                throw new PyTorchCheckpointException(source + ": key '" + name + "' is empty once '" + prefix
                        + "' is stripped");
            }
            if (tensors.put(renamed, tensor) != null) {
                throw new PyTorchCheckpointException(source + ": two keys of the state dict" + where + " become '"
                        + renamed + "' once '" + prefix + "' is stripped");
            }
        }
        return tensors;
    }

    private static String describeKey(Object key) {
        return key instanceof String s ? "'" + s + "'" : "a key of type " + PyValues.typeName(key);
    }

    /** Up to 20 string keys, for messages. */
    private static String keys(PyDict dict) {
        List<String> names = new ArrayList<>();
        for (Object key : dict.items.keySet()) {
            if (names.size() == 20) {
                names.add("...");
                break;
            }
            names.add(key instanceof String s ? "'" + s + "'" : PyValues.typeName(key));
        }
        return names.isEmpty() ? "no keys" : String.join(", ", names);
    }
}
