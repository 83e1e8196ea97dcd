package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.resnet4j.kernels.LossKernels;
import org.resnet4j.kernels.scalar.ScalarLoss;

/**
 * Softmax cross-entropy with label smoothing. The forward pass is the scalar reference's, on purpose: the Vector
 * API's {@code EXP} rounds differently before and after C2 compiles it, so a run resumed in a fresh JVM would not
 * repeat the uninterrupted run bit for bit; the scalar pass uses {@code StrictMath}, identical everywhere, and the
 * loss is a few microseconds of a training step (128 x 10 logits). The backward pass is plain arithmetic and is
 * vectorized.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class SimdLoss implements LossKernels {
    private final ScalarLoss reference = new ScalarLoss();

    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                             float labelSmoothing, float[] probs) {
        return reference.softmaxCrossEntropyForward(batch, classes, logits, labels, labelSmoothing, probs);
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                            float[] gradLogits) {
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
