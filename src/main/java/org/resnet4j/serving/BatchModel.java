package org.resnet4j.serving;

import java.util.List;
import java.util.OptionalInt;

/**
 * Turns a batch of inputs into one row of logits per input, in order. The batcher's workers share one instance, so
 * with more than one worker it must be safe to call from several threads at once ({@link Predictor} is).
 */
@FunctionalInterface
public interface BatchModel {
    /**
     * @param inputs each a normalized image {@code [3, H, W]} in row-major order; read only
     * @return one new array of logits per input, the caller's to keep
     */
    float[][] logits(List<float[]> inputs);

    /**
     * The length every input must have ({@code 3 * H * W}), or empty if this model does not say. The batcher refuses
     * an input of another length when it is submitted, so that one bad input cannot fail the batch it would share.
     */
    default OptionalInt inputLength() {
        return OptionalInt.empty();
    }
}
