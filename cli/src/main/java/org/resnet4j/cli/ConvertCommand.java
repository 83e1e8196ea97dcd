package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.DType;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.io.pytorch.PyTorchCheckpoints;
import org.resnet4j.io.pytorch.StateDictOptions;

/**
 * {@code convert --input X.pth --output Y.safetensors [--key NAME] [--strip-prefix P]}: the state dict of a PyTorch
 * checkpoint, read safely (see {@link PyTorchCheckpoints}), written as safetensors with the same names, shapes and
 * element types. {@code --key} names the checkpoint's entry that holds the state dict (found by itself otherwise);
 * {@code --strip-prefix module.} removes DataParallel's prefix. {@code --mean R,G,B --std R,G,B} record the input
 * normalization the network was trained with (on pixels in [0, 1], as torchvision's {@code Normalize}), which a CIFAR
 * network needs to be evaluated or served. Y is replaced atomically, and only once X was read whole, so a refused
 * checkpoint leaves nothing behind.
 */
final class ConvertCommand {
    private ConvertCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("convert", argv, 1, Set.of());
        Path input = args.path("input");
        Path output = args.path("output");
        String key = args.string("key", null);
        if (key != null && key.isEmpty()) {
            throw new UsageException("convert: --key must not be empty (leave it out to find the state dict)");
        }
        StateDictOptions options = new StateDictOptions(key, args.string("strip-prefix", null));
        Normalization normalization = normalization(args.string("mean", null), args.string("std", null));
        args.rejectUnknown();

        SafeTensorsFile file = PyTorchCheckpoints.read(input, options);
        Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
        metadata.put("converted_from", String.valueOf(input.getFileName()));
        if (normalization != null) {
            metadata.putAll(NormalizationMetadata.toMetadata(normalization));
        }
        SafeTensors.write(output, file.tensors().values(), metadata);

        Map<DType, Integer> counts = new TreeMap<>();
        for (TensorEntry entry : file.tensors().values()) {
            counts.merge(entry.dtype(), 1, Integer::sum);
        }
        StringJoiner types = new StringJoiner(", ", " (", ")");
        counts.forEach((dtype, count) -> types.add(dtype + " " + count));
        String from = file.metadata().containsKey("state_dict_key")
                ? " from '" + file.metadata().get("state_dict_key") + "'" : "";
        out.println("converted " + file.tensors().size() + " tensors" + types + from + " -> " + output);
        return 0;
    }

    /** The normalization {@code --mean} and {@code --std} give (both or neither), or null. */
    private static Normalization normalization(String mean, String std) {
        if (mean == null && std == null) {
            return null;
        }
        if (mean == null || std == null) {
            throw new UsageException("convert: --mean and --std go together (the normalization has both), got only --"
                    + (mean == null ? "std" : "mean"));
        }
        try {
            return Normalization.fromMap(Map.of(Normalization.MEAN_KEY, channels("mean", mean),
                    Normalization.STD_KEY, channels("std", std)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("convert: " + e.getMessage());
        }
    }

    private static float[] channels(String option, String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new UsageException("convert: --" + option + " takes three comma-separated values (R,G,B), got '"
                    + text + "'");
        }
        float[] values = new float[3];
        for (int c = 0; c < 3; c++) {
            try {
                values[c] = Float.parseFloat(parts[c].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("convert: --" + option + " value " + c + " is not a number: '" + parts[c]
                        + "'");
            }
        }
        return values;
    }
}
