package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.io.pytorch.PyTorchCheckpoints;
import org.resnet4j.io.pytorch.StateDictOptions;

/**
 * {@code convert --input X.pth --output Y.safetensors [--key NAME] [--strip-prefix P]}: the state dict of a PyTorch
 * checkpoint, read safely (see {@link PyTorchCheckpoints}), written as safetensors with the same names, shapes and
 * element types. {@code --key} names the checkpoint's entry that holds the state dict (found by itself otherwise);
 * {@code --strip-prefix module.} removes DataParallel's prefix. Y is replaced atomically, and only once X was read
 * whole, so a refused checkpoint leaves nothing behind.
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
        args.rejectUnknown();

        SafeTensorsFile file = PyTorchCheckpoints.read(input, options);
        Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
        metadata.put("converted_from", String.valueOf(input.getFileName()));
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
}
