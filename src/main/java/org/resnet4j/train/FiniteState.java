package org.resnet4j.train;

import java.util.Map;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;

/**
 * The check a training run makes before it writes a checkpoint: every weight, running statistic and momentum value is
 * finite. An update can overflow while the loss it came from was finite, and a checkpoint that kept a NaN would
 * replace the last good one (nor could it be loaded: {@code StateDicts.load} refuses non-finite values). Single-process
 * and Spark training both call it.
 *
 * <p>Holds no state: safe to call from several threads at once, each on a model and optimizer it does not share.
 */
public final class FiniteState {
    private FiniteState() {
    }

    /** @throws TrainingDivergedException naming the first tensor holding a NaN or infinity, and the value */
    public static void require(ResNet model, Sgd optimizer, long iteration) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            require(iteration, e.getKey(), e.getValue().value().data());
        }
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
            require(iteration, e.getKey(), e.getValue().data());
        }
        for (Map.Entry<String, float[]> e : optimizer.velocities().entrySet()) {
            require(iteration, "momentum of " + e.getKey(), e.getValue());
        }
    }

    /**
     * As {@link #require(ResNet, Sgd, long)}, for a model's and optimizer's state captured as safetensors (a Spark
     * replica's), checked before it is loaded: loading refuses a non-finite value as a damaged file's, and a run that
     * diverged should say so instead.
     *
     * @throws TrainingDivergedException naming the first tensor holding a NaN or infinity, and the value
     */
    public static void require(SafeTensorsFile state, long iteration) throws SafeTensorsException {
        for (Map.Entry<String, TensorEntry> e : state.tensors().entrySet()) {
            if (e.getValue().dtype().isFloatingPoint()) {
                require(iteration, e.getKey(), e.getValue().toFloats());
            }
        }
    }

    private static void require(long iteration, String name, float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new TrainingDivergedException(iteration, name, v);
            }
        }
    }
}
