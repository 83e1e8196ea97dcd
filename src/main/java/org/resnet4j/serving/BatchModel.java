package org.resnet4j.serving;

import java.util.List;

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
}
