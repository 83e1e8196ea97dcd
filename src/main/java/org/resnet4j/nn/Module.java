package org.resnet4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A layer or a composition of layers, with PyTorch's naming: parameters and buffers registered under local names,
 * children under theirs, so {@link #namedParameters()} yields torchvision's {@code state_dict} keys
 * ({@code layer2.0.downsample.0.weight}).
 *
 * <p>Life cycle of one training step: {@code forward(x, true)} keeps what backward needs; {@code backward(gradOut)}
 * accumulates parameter gradients and returns the gradient of the input. The outputs of forward are buffers the module
 * reuses on the next call (steady-state training allocates nothing); copy them to keep them. Gradients pass through
 * one {@link GradientBuffers} pool per network: backward consumes the gradient it is given (a pool buffer may be
 * overwritten or recycled, a tensor from outside the pool is only read) and returns one the caller now holds.
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, long[]> counters = new LinkedHashMap<>();
    private GradientBuffers gradients = new GradientBuffers();

    /** Runs the layer. In training mode batch norm uses batch statistics and the module keeps what backward needs. */
    public abstract Tensor forward(Tensor input, boolean training);

    /** Given the gradient of the loss with respect to the last forward's output, returns that of its input. */
    public abstract Tensor backward(Tensor gradOutput);

    /** The output shape for an NCHW-logical input shape, without computing anything. */
    public abstract Shape outputShape(Shape input);

    /** Appends one row per leaf layer, in data-flow order, for an input of {@code input} shape. */
    public void summarize(String prefix, Shape input, List<SummaryRow> rows) {
        Shape shape = input;
        for (Map.Entry<String, Module> child : children.entrySet()) {
            child.getValue().summarize(join(prefix, child.getKey()), shape, rows);
            shape = child.getValue().outputShape(shape);
        }
    }

    /** The output shape of {@code modules} run one after another on an input of shape {@code in}. */
    protected static Shape outputShapeThrough(List<? extends Module> modules, Shape in) {
        Shape shape = in;
        for (Module module : modules) {
            shape = module.outputShape(shape);
        }
        return shape;
    }

    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("child '" + name + "' registered twice");
        }
        ((Module) module).shareGradients(gradients);
        return module;
    }

    /** The gradient pool of the network this module belongs to. */
    public final GradientBuffers gradients() {
        return gradients;
    }

    private void shareGradients(GradientBuffers pool) {
        gradients = pool;
        children.values().forEach(child -> child.shareGradients(pool));
    }

    protected final Parameter parameter(String name, Shape shape, boolean weight) {
        Parameter parameter = new Parameter(shape, weight);
        if (parameters.putIfAbsent(name, parameter) != null) {
            throw new IllegalStateException("parameter '" + name + "' registered twice");
        }
        return parameter;
    }

    protected final Tensor buffer(String name, Tensor value) {
        if (buffers.putIfAbsent(name, value) != null) {
            throw new IllegalStateException("buffer '" + name + "' registered twice");
        }
        return value;
    }

    /** A 64-bit integer buffer such as batch norm's {@code num_batches_tracked}, held in a one-element array. */
    protected final long[] counter(String name) {
        long[] cell = new long[1];
        if (counters.putIfAbsent(name, cell) != null) {
            throw new IllegalStateException("counter '" + name + "' registered twice");
        }
        return cell;
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter under its full dotted name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> result = new LinkedHashMap<>();
        collect("", result, null, null);
        return result;
    }

    /** Every float buffer (running statistics) under its full dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        collect("", null, result, null);
        return result;
    }

    /** Every integer buffer ({@code num_batches_tracked}) under its full dotted name. */
    public final Map<String, long[]> namedCounters() {
        Map<String, long[]> result = new LinkedHashMap<>();
        collect("", null, null, result);
        return result;
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Number of trainable values (running statistics not counted). */
    public final long parameterCount() {
        long count = 0;
        for (Parameter p : namedParameters().values()) {
            count += p.value().size();
        }
        return count;
    }

    public final void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    private void collect(String prefix, Map<String, Parameter> params, Map<String, Tensor> bufs,
                         Map<String, long[]> ints) {
        if (params != null) {
            parameters.forEach((name, p) -> params.put(join(prefix, name), p));
        }
        if (bufs != null) {
            buffers.forEach((name, b) -> bufs.put(join(prefix, name), b));
        }
        if (ints != null) {
            counters.forEach((name, c) -> ints.put(join(prefix, name), c));
        }
        children.forEach((name, child) -> child.collect(join(prefix, name), params, bufs, ints));
    }

    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
