package org.resnet4j.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of one safetensors file: its {@code __metadata__} strings and its tensors by name, in the order of
 * their data in the file. Lookups that fail name the file.
 *
 * <p>Safe to share between threads: the maps are unmodifiable copies, {@link #floats} and {@link #longs} return new
 * arrays, and each entry is as safe as its {@link TensorEntry} (while nobody writes its bytes).
 *
 * @param source where the contents came from (a path or resource name), for messages
 */
public record SafeTensorsFile(String source, Map<String, String> metadata, Map<String, TensorEntry> tensors) {
    /** The header key that holds the free-form string map rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";
    /** The largest tensor one Java byte array holds (the JVM reserves a few words below Integer.MAX_VALUE). */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

    public SafeTensorsFile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}; an error listing what the file has when there is none. */
    public TensorEntry tensor(String name) throws SafeTensorsException {
        TensorEntry entry = tensors.get(name);
        if (entry == null) {
            String names = String.join(", ", tensors.keySet().stream().map(Printable::of).toList());
            if (names.length() > 300) {
                names = names.substring(0, 300) + "...";
            }
            throw new SafeTensorsException(source + ": no tensor named '" + Printable.of(name) + "' (the file has "
                    + tensors.size() + ": " + names + ")");
        }
        return entry;
    }

    /** Tensor {@code name} as floats (see {@link TensorEntry#toFloats()}). */
    public float[] floats(String name) throws SafeTensorsException {
        TensorEntry entry = tensor(name);
        try {
            return entry.toFloats();
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(source + ": " + e.getMessage(), e);
        }
    }

    /** Tensor {@code name} as longs (see {@link TensorEntry#toLongs()}). */
    public long[] longs(String name) throws SafeTensorsException {
        TensorEntry entry = tensor(name);
        try {
            return entry.toLongs();
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(source + ": " + e.getMessage(), e);
        }
    }

    /** Metadata value {@code key}; an error naming the file when it is absent. */
    public String metadataValue(String key) throws SafeTensorsException {
        String value = metadata.get(key);
        if (value == null) {
            throw new SafeTensorsException(source + ": no " + METADATA_KEY + " entry '" + key + "'");
        }
        return value;
    }
}
