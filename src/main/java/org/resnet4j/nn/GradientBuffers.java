package org.resnet4j.nn;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * The activation-gradient buffers of one network, shared by all its modules. A gradient is dead as soon as the layer
 * below has consumed it, so backward hands it back here and the next layer of the same size takes it: a backward pass
 * keeps a few gradient-sized buffers alive instead of one per layer (PyTorch's autograd frees them the same way).
 *
 * <p>Only buffers this pool made are recycled or overwritten: a gradient a caller passes in from outside (the loss
 * gradient, a test's tensor) is never written to. A buffer handed out and never given back is simply collected.
 *
 * <p>Not safe to share between threads: it belongs to one training {@link Workspace}, which is single-caller.
 */
public final class GradientBuffers {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    // Arrays use identity equality, so a WeakHashMap keyed by them is a weak identity set.
    private final Set<float[]> made = Collections.newSetFromMap(new WeakHashMap<>());
    private final Set<float[]> idle = Collections.newSetFromMap(new IdentityHashMap<>());

    /** A buffer of {@code shape} with unspecified contents (kernels overwrite their outputs). */
    public Tensor take(Shape shape, Layout layout) {
        ArrayDeque<float[]> sameSize = free.get(shape.size());
        float[] data = sameSize == null ? null : sameSize.pollLast();
        if (data == null) {
            data = new float[shape.size()];
            made.add(data);
        } else {
            idle.remove(data);
        }
        return Tensor.wrap(data, shape, layout);
    }

    /** Whether {@code gradient} came from this pool, so the module that received it may overwrite it. */
    public boolean owns(Tensor gradient) {
        return made.contains(gradient.data());
    }

    /** {@code gradient} itself when it may be overwritten in place, else a pool buffer to write the result to. */
    public Tensor writableLike(Tensor gradient) {
        return owns(gradient) ? gradient : take(gradient.shape(), gradient.layout());
    }

    /** How many buffers this pool has made and that are still reachable: after the first step it stays put. */
    public int buffers() {
        return made.size();
    }

    /** The bytes of the buffers this pool has made and that are still reachable (4 a value), handed out or idle. */
    public long bytes() {
        long bytes = 0;
        for (float[] buffer : made) {
            bytes += (long) Float.BYTES * buffer.length;
        }
        return bytes;
    }

    /** Hands a consumed gradient back; one that came from elsewhere is left alone. */
    public void giveBack(Tensor gradient) {
        float[] data = gradient.data();
        if (!made.contains(data)) {
            return;
        }
        if (!idle.add(data)) {
            throw new IllegalStateException("gradient buffer of " + gradient.shape() + " given back twice");
        }
        free.computeIfAbsent(data.length, size -> new ArrayDeque<>()).addLast(data);
    }
}
