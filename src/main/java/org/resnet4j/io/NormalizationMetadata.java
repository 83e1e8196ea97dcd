package org.resnet4j.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.data.Normalization;

/**
 * The input normalization stored in a weights file's {@code __metadata__} (as comma-separated floats), so a file
 * stays loadable by PyTorch's strict {@code load_state_dict} and evaluation needs nothing else.
 *
 * <p>Stateless: safe to call from several threads at once.
 */
public final class NormalizationMetadata {
    private NormalizationMetadata() {
    }

    public static Map<String, String> toMetadata(Normalization normalization) {
        Map<String, String> metadata = new LinkedHashMap<>();
        normalization.toMap().forEach((key, values) -> {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                text.append(i == 0 ? "" : ",").append(values[i]);
            }
            metadata.put(key, text.toString());
        });
        return metadata;
    }

    /** The normalization in {@code metadata}, or null when the file carries none. */
    public static Normalization fromMetadata(Map<String, String> metadata, String source) {
        if (!metadata.containsKey(Normalization.MEAN_KEY)) {
            if (metadata.containsKey(Normalization.STD_KEY)) {
                // Half a normalization is a damaged file, not an absent one (which means ImageNet's statistics).
                throw new IllegalArgumentException(source + ": metadata has " + Normalization.STD_KEY + " but no "
                        + Normalization.MEAN_KEY);
            }
            return null;
        }
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (String key : new String[] {Normalization.MEAN_KEY, Normalization.STD_KEY}) {
            String text = metadata.get(key);
            if (text == null) {
                throw new IllegalArgumentException(source + ": metadata has " + Normalization.MEAN_KEY + " but no " + key);
            }
            String[] parts = text.split(",");
            float[] values = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    values[i] = Float.parseFloat(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + ": metadata " + key + " value " + i + " is not a number: '"
                            + parts[i] + "'");
                }
            }
            arrays.put(key, values);
        }
        try {
            return Normalization.fromMap(arrays);
        } catch (IllegalArgumentException e) {
            // Numbers that parse but do not fit (a channel count): still the file's fault, so the file is named.
            throw new IllegalArgumentException(source + ": metadata " + e.getMessage(), e);
        }
    }
}
