package org.resnet4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.optim.Sgd;

/**
 * The optimizer's momentum buffers as safetensors entries ({@code optimizer.momentum.<name>}), as checkpoints and
 * Spark's replica states hold them: written from an {@link Sgd}, and read back checked against it.
 *
 * <p>Holds no state: safe to call from several threads at once, each with its own optimizer.
 */
public final class MomentumEntries {
    public static final String PREFIX = ModelWeights.CHECKPOINT_OPTIMIZER_PREFIX;

    private MomentumEntries() {
    }

    /** One entry per momentum buffer of {@code optimizer}, holding a copy of its values. */
    public static List<TensorEntry> of(Sgd optimizer) {
        List<TensorEntry> entries = new ArrayList<>();
        optimizer.velocities().forEach((name, v) ->
                entries.add(TensorEntry.ofFloats(PREFIX + name, new int[] {v.length}, v)));
        return entries;
    }

    /**
     * The momentum buffers {@code file} holds for every parameter of {@code optimizer}, ready for
     * {@link Sgd#loadVelocities}; nothing is loaded here, so a caller can check the rest of the file first.
     *
     * @throws SafeTensorsException naming {@code source} and the parameter when a buffer is missing, its length
     *     differs from the parameter's, or it holds a NaN or an infinity
     */
    public static Map<String, float[]> read(SafeTensorsFile file, Sgd optimizer, String source)
            throws SafeTensorsException {
        Map<String, float[]> momentum = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> entry : optimizer.velocities().entrySet()) {
            float[] saved = file.floats(PREFIX + entry.getKey());
            if (saved.length != entry.getValue().length) {
                throw new SafeTensorsException(source + ": momentum of " + entry.getKey() + " has " + saved.length
                        + " values, the parameter " + entry.getValue().length);
            }
            for (int i = 0; i < saved.length; i++) {
                // A damaged buffer would make the first step's weights NaN: refused now, as weights are when loaded.
                if (!Float.isFinite(saved[i])) {
                    throw new SafeTensorsException(source + ": momentum of " + entry.getKey() + " holds " + saved[i]
                            + " at index " + i + "; resuming would make the weights non-finite at the first step");
                }
            }
            momentum.put(entry.getKey(), saved);
        }
        return momentum;
    }
}
