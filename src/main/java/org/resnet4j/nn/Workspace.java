package org.resnet4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Where one caller's forward passes keep their activations, and whether they train. Each module of a network writes
 * its output into the buffer it owns here, so a pass allocates nothing once shapes repeat, and two passes in two
 * workspaces never touch each other's numbers: that is what lets several threads run inference on one model at once.
 * A training workspace also holds the gradient buffers its backward passes recycle.
 *
 * <p>An inference workspace also recycles: a composite module hands back ({@link #release}) each of its children's
 * outputs once the next child has read it, and a later layer whose output has the same number of values writes into
 * that array instead of one of its own. So inference holds about as many activations as are alive at once (a block's
 * input, its branch, its shortcut) rather than one per layer: ResNet-50's activations take about a third of what they
 * took with a buffer per layer (a batch of 128 at 224x224: inference takes 2.1 GiB in all, weights included, where it
 * took 5.9 GiB). A training pass keeps every layer's output for backward and
 * recycles nothing.
 *
 * <p>Tensors taken from a workspace belong to it: the next pass in the same workspace overwrites them. Not safe to
 * share between threads; a module keeps one per calling thread through {@link Module#forward(Tensor, boolean)}.
 */
public final class Workspace {
    private final boolean training;
    private final boolean recycles;
    private final Map<Object, Tensor> tensors = new IdentityHashMap<>();
    private final Map<Object, int[]> indices = new IdentityHashMap<>();
    private final GradientBuffers gradients;
    // Inference only. The owner whose output each handed-out array holds now; an array of this workspace without one
    // is released and waits in `free` for the next output of its length.
    private final Map<float[], Object> holders = new IdentityHashMap<>();
    private final List<float[]> free = new ArrayList<>();
    private Workspace frozenLayers; // training only: made by the first forFrozenLayers()

    private Workspace(boolean training, boolean recycles) {
        this.training = training;
        this.recycles = recycles;
        this.gradients = training ? new GradientBuffers() : null;
    }

    /** A workspace for training passes: batch statistics, and layers keep what backward needs. */
    public static Workspace forTraining() {
        return new Workspace(true, false);
    }

    /** A workspace for inference passes: running statistics, nothing kept for backward. */
    public static Workspace forInference() {
        return new Workspace(false, true);
    }

    /** An inference workspace with a buffer per layer, as training keeps them: the reference recycling is tested on. */
    static Workspace forInferenceWithoutRecycling() {
        return new Workspace(false, false);
    }

    public boolean training() {
        return training;
    }

    /**
     * Where a training pass runs the leading layers of a network that train nothing (a frozen backbone): an inference
     * workspace of this one's own, since backward never reaches those layers and their frozen batch norms compute as
     * in evaluation anyway, so their activations are recycled instead of kept. An inference workspace returns itself.
     */
    public Workspace forFrozenLayers() {
        if (!training) {
            return this;
        }
        if (frozenLayers == null) {
            frozenLayers = forInference();
        }
        return frozenLayers;
    }

    /**
     * The buffer {@code owner} writes its output to in this workspace: the one it had last time when shape and layout
     * match (and, in inference, no other layer's live output is in it), else in inference a released array of the
     * same length, else a new zero tensor. {@code owner} is compared by identity (a module, or a key object of its
     * own). The buffer may hold any earlier values: the owner writes every element.
     */
    public Tensor output(Object owner, Shape shape, Layout layout) {
        Tensor last = tensors.get(owner);
        if (!recycles) {
            Tensor buffer = Buffers.reuse(last, shape, layout);
            tensors.put(owner, buffer);
            return buffer;
        }
        // Inference: the owner's own array again when nobody else's value is in it (the steady state of repeated
        // passes), else a released array of the same length, else a new one.
        if (last != null && last.shape().equals(shape) && last.layout() == layout && takeable(last.data(), owner)) {
            holders.put(last.data(), owner);
            return last;
        }
        float[] recycled = takeFree(shape.size());
        Tensor buffer = recycled != null ? Tensor.wrap(recycled, shape, layout) : Tensor.zeros(shape, layout);
        holders.put(buffer.data(), owner);
        tensors.put(owner, buffer);
        if (last != null && last.data() != buffer.data()) {
            // The owner moves to another array: its earlier output there is stale (the next pass overwrites it).
            if (holders.get(last.data()) == owner) {
                holders.remove(last.data());
                free.add(last.data());
            }
            forgetIfUnused(last.data());
        }
        return buffer;
    }

    /**
     * In an inference workspace: {@code consumed}, an output taken from this workspace, has been read for the last
     * time, to compute {@code result}, so its array may take a later layer's output. Nothing happens when training
     * (backward reads the activations), when {@code result} shares {@code consumed}'s array (an in-place layer), or
     * when {@code consumed} is not this workspace's (a caller's input). A composite module calls it for its
     * children's outputs, never for its own input or output.
     */
    public void release(Tensor consumed, Tensor result) {
        float[] array = consumed.data();
        if (!recycles || array == result.data()) {
            return;
        }
        if (holders.remove(array) != null) {
            free.add(array);
        }
    }

    /** Free, or holding {@code owner}'s own previous output, which its new output replaces. */
    private boolean takeable(float[] array, Object owner) {
        Object holder = holders.get(array);
        if (holder == null) {
            return removeFree(array);
        }
        return holder == owner;
    }

    private float[] takeFree(int length) {
        for (int i = 0; i < free.size(); i++) {
            if (free.get(i).length == length) {
                return free.remove(i);
            }
        }
        return null;
    }

    private boolean removeFree(float[] array) {
        for (int i = 0; i < free.size(); i++) {
            if (free.get(i) == array) {
                free.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Drops an array no owner keeps as its buffer any more (after a shape change), so that it can be collected. */
    private void forgetIfUnused(float[] array) {
        for (Tensor tensor : tensors.values()) {
            if (tensor.data() == array) {
                return;
            }
        }
        removeFree(array);
        holders.remove(array);
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
        // Owners share arrays in an inference workspace: each array counts once.
        Set<float[]> counted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor tensor : tensors.values()) {
            if (counted.add(tensor.data())) {
                bytes += (long) Float.BYTES * tensor.data().length;
            }
        }
        for (int[] buffer : indices.values()) {
            bytes += (long) Integer.BYTES * buffer.length;
        }
        return frozenLayers == null ? bytes : bytes + frozenLayers.activationBytes();
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
