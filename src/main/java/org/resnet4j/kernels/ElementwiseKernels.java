package org.resnet4j.kernels;

/**
 * Element-by-element operations over the first {@code length} values of flat arrays.
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface ElementwiseKernels {

    /** {@code y = max(x, 0)}; {@code y} may be {@code x}. */
    void reluForward(int length, float[] x, float[] y);

    /** {@code gradX = y > 0 ? gradY : 0}, from ReLU's own output {@code y}; {@code gradX} may be {@code gradY}. */
    void reluBackward(int length, float[] y, float[] gradY, float[] gradX);

    /**
     * {@code gradX = copy = y > 0 ? gradY : 0}: ReLU's backward written twice, for the gradient of a residual block's
     * output, which its branch (overwriting what it is given) and its shortcut both consume. By definition (and here)
     * {@link #reluBackward} then a copy, so an implementation that writes both in one pass gives the same bits.
     * {@code gradX} may be {@code gradY}; {@code copy} is neither.
     */
    default void reluBackwardTwice(int length, float[] y, float[] gradY, float[] gradX, float[] copy) {
        reluBackward(length, y, gradY, gradX);
        System.arraycopy(gradX, 0, copy, 0, length);
    }

    /** {@code out = a + b}; {@code out} may be {@code a} or {@code b}. */
    void add(int length, float[] a, float[] b, float[] out);

    /**
     * {@code out = max(a + b, 0)}, the residual add and the ReLU after it in one pass: by definition (and here)
     * {@link #add} then {@link #reluForward} on {@code out}, so an implementation that fuses them gives the same bits.
     * {@code out} may be {@code a} or {@code b}.
     */
    default void addRelu(int length, float[] a, float[] b, float[] out) {
        add(length, a, b, out);
        reluForward(length, out, out);
    }

    /**
     * One SGD step with momentum and weight decay, PyTorch's rule: {@code d = grad + weightDecay * w};
     * {@code velocity = momentum * velocity + d}; {@code w -= lr * (nesterov ? d + momentum * velocity : velocity)}.
     * Updates {@code weight} and {@code velocity} in place.
     */
    void sgdUpdate(int length, float[] weight, float[] grad, float[] velocity, float lr, float momentum,
                   float weightDecay, boolean nesterov);
}
