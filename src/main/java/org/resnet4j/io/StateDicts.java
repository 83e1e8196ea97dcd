package org.resnet4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.Parameter;
import org.resnet4j.tensor.Tensor;

/**
 * A module's weights as a PyTorch {@code state_dict} in safetensors: parameters and running statistics as F32,
 * {@code num_batches_tracked} as a 0-dim I64, all under torchvision's names, so files move between resnet4j and
 * PyTorch by name.
 *
 * <p>Holds no state: its methods may run on several threads at once. Saving reads and loading writes the module given,
 * which must not train meanwhile (nor, while it loads, run inference).
 */
public final class StateDicts {
    /** BatchNorm2d's buffer of running variances, by the end of its name. */
    private static final String RUNNING_VAR = "running_var";

    private StateDicts() {
    }

    /**
     * The module's state as safetensors entries (values copied now), read at a moment no training call, optimizer step
     * or load changes it ({@link Module#readConsistently}).
     */
    public static List<TensorEntry> entries(Module module) {
        if (module instanceof FrozenResNet frozen) {
            // Its batch norms are folded into the convolutions, which are no parameters: only fc would be written.
            throw new IllegalArgumentException(frozen.name() + " is frozen for inference (ResNet.freeze()): its folded "
                    + "weights are no state dict; save the ResNet it was frozen from");
        }
        return module.readConsistently("copy its weights", () -> {
            List<TensorEntry> entries = new ArrayList<>();
            module.namedParameters().forEach((name, p) -> entries.add(floats(name, p.value())));
            module.namedBuffers().forEach((name, b) -> entries.add(floats(name, b)));
            module.namedCounters().forEach((name, c) -> entries.add(TensorEntry.scalarLong(name, c[0])));
            return entries;
        });
    }

    private static TensorEntry floats(String name, Tensor t) {
        return TensorEntry.ofFloats(name, t.shape().dims(), t.data());
    }

    /** Writes the module's state to {@code path} atomically, with {@code metadata}. */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        SafeTensors.write(path, entries(module), metadata);
    }

    /**
     * Reads {@code path}, safetensors or a PyTorch checkpoint (told by its content, see {@link WeightFiles}), and loads it
     * into {@code module} strictly (see {@link #load(Module, SafeTensorsFile, String...)}). Into a {@link ResNet}, a
     * file that records its network loads only into that one ({@link ModelWeights#requireRecordedArchitecture}): the
     * shipped plain-20 weights fit ResNet-20's tensors exactly and would give wrong answers there.
     *
     * @throws IllegalArgumentException when the file records another network than {@code module}
     */
    public static SafeTensorsFile load(Module module, Path path) throws IOException {
        SafeTensorsFile file = WeightFiles.read(path);
        if (module instanceof ResNet model) {
            ModelWeights.requireRecordedArchitecture(model, path, file);
        }
        load(module, file);
        return file;
    }

    /**
     * Copies the file's tensors into the module, strict like PyTorch's {@code load_state_dict}: every missing,
     * unexpected, wrongly shaped or unreadable (an element type that is not a float, or an integer for
     * {@code num_batches_tracked}) name is listed in one error, and nothing is changed unless all fit. Values no
     * trained network holds are refused too, naming the tensor, the index and the value: a NaN or infinity anywhere, an
     * F64 value beyond a float's range, a negative {@code running_var}. {@code num_batches_tracked} may be absent (the
     * module's counter is then left as it is). Names with a prefix in {@code ignoredPrefixes} (a checkpoint's optimizer
     * state) are skipped: not read, and a module tensor of such a name keeps its value. All or nothing: when this
     * throws, the module is exactly as it was.
     */
    public static void load(Module module, SafeTensorsFile file, String... ignoredPrefixes) throws SafeTensorsException {
        Map<String, Parameter> params = module.namedParameters();
        Map<String, Tensor> buffers = module.namedBuffers();
        Map<String, long[]> counters = module.namedCounters();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> badValues = new ArrayList<>();
        // Everything is decoded before anything is copied, so a tensor that cannot be read leaves the module untouched.
        Map<String, float[]> values = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        for (String name : file.tensors().keySet()) {
            if (ignored(name, ignoredPrefixes)) {
                continue;
            }
            TensorEntry entry = file.tensors().get(name);
            Tensor target = params.containsKey(name) ? params.get(name).value() : buffers.get(name);
            try {
                if (target != null) {
                    if (!Arrays.equals(entry.shape(), Arrays.stream(target.shape().dims()).asLongStream().toArray())) {
                        mismatched.add(name + " (file " + Arrays.toString(entry.shape()) + ", model " + target.shape()
                                + ")");
                    } else {
                        float[] decoded = entry.toFloats();
                        values.put(name, decoded);
                        String bad = badValue(name, decoded);
                        if (bad != null) {
                            badValues.add(bad);
                        }
                    }
                } else if (counters.containsKey(name)) {
                    if (entry.elementCount() != 1) {
                        mismatched.add(name + " (file " + Arrays.toString(entry.shape()) + ", model a scalar)");
                    } else {
                        counts.put(name, entry.toLongs()[0]);
                    }
                } else {
                    unexpected.add(name);
                }
            } catch (SafeTensorsException e) {
                if (target != null && entry.readableAsFloats()) {
                    badValues.add(e.getMessage()); // an F64 value beyond a float's range
                } else {
                    unreadable.add(name + " (" + entry.dtype() + ")");
                }
            }
        }
        for (String name : params.keySet()) {
            if (!file.contains(name) && !ignored(name, ignoredPrefixes)) {
                missing.add(name);
            }
        }
        for (String name : buffers.keySet()) {
            if (!file.contains(name) && !ignored(name, ignoredPrefixes)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty() || !unreadable.isEmpty()) {
            StringBuilder message = new StringBuilder(file.source()).append(": weights do not fit the model:");
            append(message, "missing", missing);
            append(message, "unexpected", unexpected);
            append(message, "wrong shape", mismatched);
            append(message, "wrong dtype", unreadable);
            message.setLength(message.length() - 1); // the last list's ';'
            throw new SafeTensorsException(message.toString());
        }
        if (!badValues.isEmpty()) {
            throw new SafeTensorsException(file.source() + ": " + badValues.get(0) + (badValues.size() == 1 ? ""
                    : " (and " + (badValues.size() - 1) + " more tensors hold such values)"));
        }
        // Everything fits: only now is the module changed. Names left out by a prefix keep their values. The loaded
        // parameters stay marked as changing until the statistics are in too, so a snapshot on another thread
        // (Module.readConsistently) never takes half of this load; a load of statistics alone marks them all.
        List<Parameter> loaded = new ArrayList<>();
        params.forEach((name, p) -> {
            if (values.containsKey(name)) {
                loaded.add(p);
            }
        });
        if (loaded.isEmpty()) {
            loaded.addAll(params.values());
        }
        loaded.forEach(Parameter::beginChange);
        try {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (values.containsKey(e.getKey())) {
                    copy(values.get(e.getKey()), e.getValue().value());
                }
            }
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                copy(values.get(e.getKey()), e.getValue());
            }
            for (Map.Entry<String, long[]> e : counters.entrySet()) {
                Long count = counts.get(e.getKey());
                if (count != null) {
                    e.getValue()[0] = count;
                }
            }
        } finally {
            loaded.forEach(Parameter::endChange);
        }
    }

    /**
     * What a partial load left out: model tensors the file lacks, and file tensors the model has no place for.
     * Immutable (the lists are copied into unmodifiable ones); safe to share between threads.
     */
    public record LoadReport(List<String> missing, List<String> unexpected) {
        public LoadReport {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /**
     * Loads every tensor of {@code file} that the module has, as PyTorch's {@code load_state_dict(strict=False)}:
     * module tensors the file lacks keep their values and are reported as missing, file tensors the module lacks are
     * reported as unexpected. A tensor of a name both have but another shape or an unreadable type is still an error,
     * and then nothing is loaded. Names with a prefix in {@code skippedPrefixes} are neither loaded nor reported
     * ({@code "fc."} to keep a new head).
     */
    public static LoadReport loadMatching(Module module, SafeTensorsFile file, String... skippedPrefixes)
            throws SafeTensorsException {
        List<String> known = new ArrayList<>(module.namedParameters().keySet());
        known.addAll(module.namedBuffers().keySet());
        known.addAll(module.namedCounters().keySet());
        List<String> missing = known.stream().filter(n -> !file.contains(n) && !ignored(n, skippedPrefixes)).toList();
        List<String> unexpected = file.tensors().keySet().stream()
                .filter(n -> !known.contains(n) && !ignored(n, skippedPrefixes)).toList();
        // The strict load does the checking and the all-or-nothing copy; missing names are passed as skipped so that it
        // does not count them, unexpected ones are left out of the file it sees.
        load(module, new SafeTensorsFile(file.source(), file.metadata(), withoutUnexpected(file, unexpected)),
                missingAsSkipped(skippedPrefixes, missing));
        return new LoadReport(missing, unexpected);
    }

    private static Map<String, TensorEntry> withoutUnexpected(SafeTensorsFile file, List<String> unexpected) {
        Map<String, TensorEntry> kept = new java.util.LinkedHashMap<>(file.tensors());
        unexpected.forEach(kept::remove);
        return kept;
    }

    /** The skipped prefixes plus each missing name itself (a name is a prefix of itself), for the strict load. */
    private static String[] missingAsSkipped(String[] skippedPrefixes, List<String> missing) {
        List<String> all = new ArrayList<>(List.of(skippedPrefixes));
        all.addAll(missing);
        return all.toArray(String[]::new);
    }

    private static boolean ignored(String name, String[] ignoredPrefixes) {
        return Arrays.stream(ignoredPrefixes).anyMatch(name::startsWith);
    }

    /**
     * Why tensor {@code name} cannot hold {@code values}, or null. An infinite running variance makes its channel's
     * scale 0, so the channel gives beta for every image and the logits stay finite: the answers are wrong, and nothing
     * says so. A negative variance has no square root.
     */
    private static String badValue(String name, float[] values) {
        boolean variance = name.endsWith(RUNNING_VAR);
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                return "tensor '" + name + "' holds " + v + " at index " + i
                        + "; a network with non-finite weights gives wrong results silently";
            }
            if (variance && v < 0) {
                return "tensor '" + name + "' holds " + v + " at index " + i + "; a variance cannot be negative";
            }
        }
        return null;
    }

    private static void copy(float[] source, Tensor target) {
        if (source != null) {
            System.arraycopy(source, 0, target.data(), 0, target.size());
        }
    }

    private static void append(StringBuilder message, String what, List<String> names) {
        if (!names.isEmpty()) {
            message.append(' ').append(what).append(' ').append(names.size()).append(": ")
                    .append(String.join(", ", names.size() > 20 ? names.subList(0, 20) : names))
                    .append(names.size() > 20 ? ", ..." : "").append(';');
        }
    }
}
