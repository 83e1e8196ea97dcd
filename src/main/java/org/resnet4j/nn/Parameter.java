package org.resnet4j.nn;

import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A trainable tensor and the gradient accumulated for it. Backward passes add into {@link #grad()}, so a parameter
 * used twice gets the sum; {@link #zeroGrad()} starts a new step.
 */
public final class Parameter {
    private final Tensor value;
    private final Tensor grad;
    private final boolean decayed;

    /**
     * @param decayed whether weight decay applies; the optimizer may skip biases and BN parameters when asked to
     */
    Parameter(Shape shape, boolean decayed) {
        this.value = Tensor.zeros(shape, org.resnet4j.tensor.Layout.NCHW);
        this.grad = Tensor.zeros(shape, org.resnet4j.tensor.Layout.NCHW);
        this.decayed = decayed;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    /** True for convolution and linear weights; false for biases and batch-norm scale and shift. */
    public boolean isWeight() {
        return decayed;
    }

    public Shape shape() {
        return value.shape();
    }

    public void zeroGrad() {
        grad.fill(0f);
    }
}
