package org.resnet4j.nn;

import java.lang.invoke.VarHandle;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A trainable tensor and the gradient accumulated for it. Backward passes add into {@link #grad()}, so a parameter
 * used twice gets the sum; {@link #zeroGrad()} starts a new step. A parameter set not trainable (PyTorch's
 * {@code requires_grad = False}) keeps its value: the optimizer skips it, and layers whose parameters are all frozen
 * skip computing their gradients.
 *
 * <p>Threads: backward writes the gradient and the optimizer the value without locks, so a parameter has one training
 * thread at a time (its network's, see {@link Module}); the trainable flag is volatile, seen by other threads at once.
 */
public final class Parameter {
    private final Tensor value;
    private final Tensor grad;
    private final boolean decayed;
    private volatile boolean trainable = true;
    private volatile long version;
    private long forwardVersion; // the version the last training forward ran with; under its module's call guard

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

    /** Whether training updates this parameter; true unless {@link #setTrainable} said otherwise. */
    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean value) {
        trainable = value;
    }

    /**
     * How many times the value was changed by an optimizer step or a load (PyTorch's tensor version counter), counted
     * twice per change: odd while a change is under way ({@link #beginChange()} to {@link #endChange()}). A training
     * forward notes it, and its backward refuses to run when it has moved, since the gradient would mix the new weights
     * with the activations of the old; a snapshot ({@link Module#readConsistently}) that saw it move reads again.
     * Writes through {@code value().data()} are counted only when bracketed by these calls.
     */
    public long version() {
        return version;
    }

    /**
     * Begins a change of the value outside backward (an optimizer step, a load); {@link #endChange()} ends it. One
     * writer at a time, as for the value.
     */
    public void beginChange() {
        version = version + 1;
        VarHandle.storeStoreFence(); // the value's new contents are never seen before the change is
    }

    /** Ends the change {@link #beginChange()} began: the volatile write publishes the value's new contents. */
    public void endChange() {
        version = version + 1;
    }

    /** Records a change of the value already made: {@link #beginChange()} and {@link #endChange()} at once. */
    public void markChanged() {
        beginChange();
        endChange();
    }

    /** Notes the version a training forward runs with. */
    void noteForward() {
        forwardVersion = version;
    }

    /** Whether an optimizer step or a load changed the value since the last training forward. */
    boolean changedSinceForward() {
        return version != forwardVersion;
    }

    public void zeroGrad() {
        grad.fill(0f);
    }
}
