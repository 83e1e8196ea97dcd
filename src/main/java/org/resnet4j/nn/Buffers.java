package org.resnet4j.nn;

import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Reuse of activation and gradient buffers between calls, so steady-state training allocates nothing.
 *
 * <p>Stateless: its methods are safe to call from several threads at once.
 */
public final class Buffers {
    private Buffers() {
    }

    /** {@code existing} if it already has this shape and layout, else a new zero tensor. */
    public static Tensor reuse(Tensor existing, Shape shape, Layout layout) {
        if (existing != null && existing.shape().equals(shape) && existing.layout() == layout) {
            return existing;
        }
        return Tensor.zeros(shape, layout);
    }

    /** The input as NHWC: itself when it already is, else a converted copy (only at a network's entrance). */
    public static Tensor asNhwc(Tensor input, String operation) {
        input.shape().requireRank(4, operation + " input");
        return input.toLayout(Layout.NHWC);
    }
}
