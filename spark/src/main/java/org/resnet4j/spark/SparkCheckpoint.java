package org.resnet4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;

/**
 * The driver's checkpoint of a distributed run: {@value #FILE}, the replica state ({@link ReplicaState}: state dict
 * and momentum buffers) with, in the metadata, the step, the data set size and the run's recipe
 * ({@code recipe.*}). Written atomically ({@link AtomicFiles}: a temporary file, forced to disk, renamed over the
 * old one), so a crash at any moment leaves the previous checkpoint or the new one.
 */
final class SparkCheckpoint {
    static final String FILE = "checkpoint.safetensors";
    static final String FORMAT = ModelWeights.SPARK_CHECKPOINT_FORMAT;
    private static final String RECIPE = "recipe.";

    private SparkCheckpoint() {
    }

    static Map<String, String> metadata(DistributedConfig config, long step, long datasetSize,
            Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("step", Long.toString(step));
        metadata.put("dataset_size", Long.toString(datasetSize));
        config.recipe().forEach((key, value) -> metadata.put(RECIPE + key, value));
        metadata.putAll(extra);
        return metadata;
    }

    static void write(Path directory, byte[] state) throws IOException {
        AtomicFiles.write(directory.resolve(FILE), out -> out.write(state));
    }

    /** The checkpoint in {@code directory}: its step and state bytes, after checking that it belongs to this run. */
    static Loaded read(Path directory, DistributedConfig config, long datasetSize, Map<String, String> extra)
            throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException("cannot resume: no checkpoint at " + file);
        }
        byte[] bytes = Files.readAllBytes(file);
        SafeTensorsFile contents = SafeTensors.read(file.toString(), bytes);
        if (!FORMAT.equals(contents.metadata().get("format"))) {
            throw new SafeTensorsException(file + ": not a checkpoint of a distributed run (metadata format is "
                    + contents.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        List<String> differences = new ArrayList<>();
        Map<String, String> asked = new LinkedHashMap<>(config.recipe());
        asked.put("dataset_size", Long.toString(datasetSize));
        asked.forEach((key, value) -> {
            String saved = contents.metadata().get(key.equals("dataset_size") ? key : RECIPE + key);
            if (!value.equals(saved)) {
                differences.add(key + " saved " + saved + ", asked " + value);
            }
        });
        // A setting the checkpoint records and this run does not ask for (a warm-up, recorded only when there is one).
        contents.metadata().forEach((key, saved) -> {
            if (key.startsWith(RECIPE) && !asked.containsKey(key.substring(RECIPE.length()))) {
                differences.add(key.substring(RECIPE.length()) + " saved " + saved + ", asked null");
            }
        });
        // What the caller computed for this run (the input normalization, from the data): data of the same size but
        // other images give another normalization, and the weights would go on learning on inputs scaled otherwise.
        extra.forEach((key, value) -> {
            String saved = contents.metadata().get(key);
            if (!value.equals(saved)) {
                differences.add(key + " saved " + abbreviated(saved) + ", now " + abbreviated(value));
            }
        });
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was trained with other settings, "
                    + "so the run cannot continue exactly: " + String.join("; ", differences));
        }
        try {
            return new Loaded(Long.parseLong(contents.metadataValue("step")), bytes);
        } catch (NumberFormatException e) {
            throw new SafeTensorsException(file + ": malformed step in the metadata: " + e.getMessage(), e);
        }
    }

    /** A per-pixel mean image is 3,072 numbers: the message shows their start and their count. */
    private static String abbreviated(String value) {
        if (value == null || value.length() <= 80) {
            return value;
        }
        return value.substring(0, 60) + "... (" + value.split(",", -1).length + " values)";
    }

    record Loaded(long step, byte[] state) {
    }
}
