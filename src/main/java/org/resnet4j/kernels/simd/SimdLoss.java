package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.resnet4j.kernels.LossKernels;
import org.resnet4j.kernels.scalar.ScalarLoss;

/**
 * Softmax cross-entropy with label smoothing, one sample's row of logits a vector of classes at a time (the Vector
 * API's {@code EXP} is a vectorized exponential). With {@code s} the smoothing and {@code C} the classes, one
 * sample's loss is {@code -(1 - s) * logp[label] - (s / C) * sum_c logp[c]}, where
 * {@code logp = logits - max - log(sum exp(logits - max))}; the per-sample terms are added in double.
 * Single-threaded: even 256 x 1000 logits take microseconds.
 */
public final class SimdLoss implements LossKernels {

    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                             float labelSmoothing, float[] probs) {
        ScalarLoss.checkLabels(batch, classes, labels, labelSmoothing);
        double smoothing = labelSmoothing;
        int bound = SPECIES.loopBound(classes);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, classes);
        double total = 0;
        for (int n = 0; n < batch; n++) {
            int row = n * classes;
            FloatVector maxima = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += LANES) {
                maxima = maxima.max(FloatVector.fromArray(SPECIES, logits, row + c));
            }
            if (c < classes) {
                FloatVector v = FloatVector.fromArray(SPECIES, logits, row + c, tail);
                maxima = maxima.lanewise(VectorOperators.MAX, v, tail);
            }
            float max = maxima.reduceLanes(VectorOperators.MAX);

            // probs = exp(logits - max) for now; shifted sums sum_c (logits - max) for the smoothing term.
            FloatVector exps = FloatVector.zero(SPECIES);
            FloatVector shifted = FloatVector.zero(SPECIES);
            c = 0;
            for (; c < bound; c += LANES) {
                FloatVector s = FloatVector.fromArray(SPECIES, logits, row + c).sub(max);
                FloatVector e = s.lanewise(VectorOperators.EXP);
                e.intoArray(probs, row + c);
                exps = exps.add(e);
                shifted = shifted.add(s);
            }
            if (c < classes) {
                FloatVector s = FloatVector.fromArray(SPECIES, logits, row + c, tail).sub(max);
                FloatVector e = s.lanewise(VectorOperators.EXP);
                e.intoArray(probs, row + c, tail);
                exps = exps.add(e, tail);
                shifted = shifted.add(s, tail);
            }
            double sumExp = exps.reduceLanes(VectorOperators.ADD);
            double logSum = Math.log(sumExp);

            float inverse = (float) (1.0 / sumExp);
            c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(SPECIES, probs, row + c).mul(inverse).intoArray(probs, row + c);
            }
            if (c < classes) {
                FloatVector.fromArray(SPECIES, probs, row + c, tail).mul(inverse).intoArray(probs, row + c, tail);
            }

            double logpLabel = (double) logits[row + labels[n]] - max - logSum;
            double sumLogp = shifted.reduceLanes(VectorOperators.ADD) - classes * logSum;
            total += -(1 - smoothing) * logpLabel - smoothing / classes * sumLogp;
        }
        return total / batch;
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                            float[] gradLogits) {
        ScalarLoss.checkLabels(batch, classes, labels, labelSmoothing);
        float off = labelSmoothing / classes;
        float on = (1f - labelSmoothing) + off;
        int bound = SPECIES.loopBound(classes);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, classes);
        for (int n = 0; n < batch; n++) {
            int row = n * classes;
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(SPECIES, probs, row + c).sub(off).div(batch).intoArray(gradLogits, row + c);
            }
            if (c < classes) {
                FloatVector.fromArray(SPECIES, probs, row + c, tail).sub(off).div(batch)
                        .intoArray(gradLogits, row + c, tail);
            }
            // The label's target is (1 - s) + s / C rather than s / C.
            int label = row + labels[n];
            gradLogits[label] = (probs[label] - on) / batch;
        }
    }
}
