package org.resnet4j.nn;

import java.util.IdentityHashMap;
import java.util.Map;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Where one caller's forward passes keep their activations, and whether they train. Each module of a network writes
 * its output into the buffer it owns here, so a pass allocates nothing once shapes repeat, and two passes in two
 * workspaces never touch each other's numbers: that is what lets several threads run inference on one model at once.
 * A training workspace also holds the gradient buffers its backward passes recycle.
 *
 * <p>Tensors taken from a workspace belong to it: the next pass in the same workspace overwrites them. Not safe to
 * share between threads; a module keeps one per calling thread through {@link Module#forward(Tensor, boolean)}.
 */
public final class Workspace {
    private final boolean training;
    private final Map<Object, Tensor> tensors = new IdentityHashMap<>();
    private final Map<Object, int[]> indices = new IdentityHashMap<>();
    private final GradientBuffers gradients;

    private Workspace(boolean training) {
        this.training = training;
        this.gradients = training ? new GradientBuffers() : null;
    }

    /** A workspace for training passes: batch statistics, and layers keep what backward needs. */
    public static Workspace forTraining() {
        return new Workspace(true);
    }

    /** A workspace for inference passes: running statistics, nothing kept for backward. */
    public static Workspace forInference() {
        return new Workspace(false);
    }

    public boolean training() {
        return training;
    }

    /**
     * The buffer {@code owner} writes its output to in this workspace: the one it had last time when shape and layout
     * match, else a new zero tensor. {@code owner} is compared by identity (a module, or a key object of its own).
     */
    public Tensor output(Object owner, Shape shape, Layout layout) {
        Tensor buffer = Buffers.reuse(tensors.get(owner), shape, layout);
        tensors.put(owner, buffer);
        return buffer;
    }

    /** An int buffer of exactly {@code length} for {@code owner} (max pooling's argmax), reused like {@link #output}. */
    public int[] indices(Object owner, int length) {
        int[] buffer = indices.get(owner);
        if (buffer == null || buffer.length != length) {
            buffer = new int[length];
            indices.put(owner, buffer);
        }
        return buffer;
    }

    /**
     * The bytes of the activation and index buffers this workspace holds (4 a value): what its passes keep between
     * calls, and what a training pass keeps for backward. The gradient buffers are counted by {@link #gradients()}.
     */
    public long activationBytes() {
        long bytes = 0;
        for (Tensor tensor : tensors.values()) {
            bytes += (long) Float.BYTES * tensor.size();
        }
        for (int[] buffer : indices.values()) {
            bytes += (long) Integer.BYTES * buffer.length;
        }
        return bytes;
    }

    /** The gradient buffers of this workspace's backward passes; an inference workspace has none. */
    public GradientBuffers gradients() {
        if (gradients == null) {
            throw new IllegalStateException("an inference workspace has no gradients: run forward in a training "
                    + "workspace before backward");
        }
        return gradients;
    }
}
