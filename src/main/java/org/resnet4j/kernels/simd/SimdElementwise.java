package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.resnet4j.kernels.ElementwiseKernels;

/**
 * Element-by-element operations, one vector at a time with a masked tail, split over the pool in fixed
 * {@link Ranges#CHUNK_ELEMENTS}-element pieces. They are memory-bound: the vectors keep one core at memory speed,
 * and the second core adds bandwidth on the ResNet-50 sized arrays (tens of millions of floats).
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class SimdElementwise implements ElementwiseKernels {

    @Override
    public void reluForward(int length, float[] x, float[] y) {
        Ranges.flat(length, (from, to) -> reluForward(from, to, x, y));
    }

    private static void reluForward(int from, int to, float[] x, float[] y) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            // max keeps NaN, as Math.max and PyTorch's relu do.
            FloatVector.fromArray(SPECIES, x, i).max(0f).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            FloatVector.fromArray(SPECIES, x, i, m).max(0f).intoArray(y, i, m);
        }
    }

    @Override
    public void reluBackward(int length, float[] y, float[] gradY, float[] gradX) {
        Ranges.flat(length, (from, to) -> reluBackward(from, to, y, gradY, gradX));
    }

    private static void reluBackward(int from, int to, float[] y, float[] gradY, float[] gradX) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, gradY, i), positive).intoArray(gradX, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, y, i, m).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, gradY, i, m), positive).intoArray(gradX, i, m);
        }
    }

    @Override
    public void reluBackwardTwice(int length, float[] y, float[] gradY, float[] gradX, float[] copy) {
        Ranges.flat(length, (from, to) -> reluBackwardTwice(from, to, y, gradY, gradX, copy));
    }

    /** One read of {@code y} and {@code gradY} for both outputs: the copy's separate pass read the result back. */
    private static void reluBackwardTwice(int from, int to, float[] y, float[] gradY, float[] gradX, float[] copy) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, y, i).compare(VectorOperators.GT, 0f);
            FloatVector g = zero.blend(FloatVector.fromArray(SPECIES, gradY, i), positive);
            g.intoArray(gradX, i);
            g.intoArray(copy, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, y, i, m).compare(VectorOperators.GT, 0f);
            FloatVector g = zero.blend(FloatVector.fromArray(SPECIES, gradY, i, m), positive);
            g.intoArray(gradX, i, m);
            g.intoArray(copy, i, m);
        }
    }

    @Override
    public void add(int length, float[] a, float[] b, float[] out) {
        Ranges.flat(length, (from, to) -> add(from, to, a, b, out));
    }

    private static void add(int from, int to, float[] a, float[] b, float[] out) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, a, i).add(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            FloatVector.fromArray(SPECIES, a, i, m).add(FloatVector.fromArray(SPECIES, b, i, m)).intoArray(out, i, m);
        }
    }

    @Override
    public void addRelu(int length, float[] a, float[] b, float[] out) {
        Ranges.flat(length, (from, to) -> addRelu(from, to, a, b, out));
    }

    /** The sum is rounded to float before the max, as add then relu round it: the same bits, one pass fewer. */
    private static void addRelu(int from, int to, float[] a, float[] b, float[] out) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, a, i).add(FloatVector.fromArray(SPECIES, b, i)).max(0f).intoArray(out, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            FloatVector.fromArray(SPECIES, a, i, m).add(FloatVector.fromArray(SPECIES, b, i, m)).max(0f)
                    .intoArray(out, i, m);
        }
    }

    @Override
    public void sgdUpdate(int length, float[] weight, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov) {
        Ranges.flat(length, (from, to) -> sgdUpdate(from, to, weight, grad, velocity, lr, momentum, weightDecay,
                nesterov));
    }

    private static void sgdUpdate(int from, int to, float[] weight, float[] grad, float[] velocity, float lr,
                                  float momentum, float weightDecay, boolean nesterov) {
        FloatVector decay = FloatVector.broadcast(SPECIES, weightDecay);
        FloatVector mom = FloatVector.broadcast(SPECIES, momentum);
        FloatVector minusLr = FloatVector.broadcast(SPECIES, -lr);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, weight, i);
            FloatVector d = w.fma(decay, FloatVector.fromArray(SPECIES, grad, i));
            FloatVector v = FloatVector.fromArray(SPECIES, velocity, i).fma(mom, d);
            FloatVector step = nesterov ? v.fma(mom, d) : v;
            v.intoArray(velocity, i);
            step.fma(minusLr, w).intoArray(weight, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            FloatVector w = FloatVector.fromArray(SPECIES, weight, i, m);
            FloatVector d = w.fma(decay, FloatVector.fromArray(SPECIES, grad, i, m));
            FloatVector v = FloatVector.fromArray(SPECIES, velocity, i, m).fma(mom, d);
            FloatVector step = nesterov ? v.fma(mom, d) : v;
            v.intoArray(velocity, i, m);
            step.fma(minusLr, w).intoArray(weight, i, m);
        }
    }
}
