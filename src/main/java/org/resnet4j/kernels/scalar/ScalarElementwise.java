package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.ElementwiseKernels;

/**
 * Element-by-element operations in plain loops.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarElementwise implements ElementwiseKernels {

    @Override
    public void reluForward(int length, float[] x, float[] y) {
        for (int i = 0; i < length; i++) {
            // Math.max keeps NaN, as PyTorch's relu does.
            y[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void reluBackward(int length, float[] y, float[] gradY, float[] gradX) {
        for (int i = 0; i < length; i++) {
            gradX[i] = y[i] > 0f ? gradY[i] : 0f;
        }
    }

    @Override
    public void add(int length, float[] a, float[] b, float[] out) {
        for (int i = 0; i < length; i++) {
            out[i] = a[i] + b[i];
        }
    }

    @Override
    public void sgdUpdate(int length, float[] weight, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov) {
        for (int i = 0; i < length; i++) {
            float d = grad[i] + weightDecay * weight[i];
            float v = momentum * velocity[i] + d;
            velocity[i] = v;
            float step = nesterov ? d + momentum * v : v;
            weight[i] -= lr * step;
        }
    }
}
