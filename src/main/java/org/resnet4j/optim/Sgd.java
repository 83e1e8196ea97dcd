package org.resnet4j.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Parameter;

/**
 * SGD with momentum and weight decay, PyTorch's {@code torch.optim.SGD} (dampening 0). For every parameter {@code w}
 * with gradient {@code g} and momentum buffer {@code v} (zero at the start):
 * <pre>
 *   d = g + weightDecay * w
 *   v = momentum * v + d
 *   w = w - lr * v                      (or, with Nesterov, w - lr * (d + momentum * v))
 * </pre>
 * The momentum buffers are named after their parameters, so a checkpoint can save and restore them.
 *
 * <p>Not safe to share between threads: it writes its parameters and momentum buffers without locks, so one thread, the
 * one training the network, steps it. {@link #velocities()} hands out copies; {@link #loadVelocities} copies in.
 */
public final class Sgd {
    private final Kernels kernels;
    private final Map<String, Parameter> parameters;
    private final Map<String, float[]> velocities = new LinkedHashMap<>();
    // The parameters and their momentum buffers in order, and the step's indices of trainable ones: no allocation a step.
    private final Parameter[] inOrder;
    private final float[][] velocityInOrder;
    private final int[] stepping;
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;

    /**
     * SGD with (heavy-ball) momentum and weight decay over {@code parameters} (a model's {@code namedParameters()}),
     * on the active kernels: the paper's optimizer is {@code new Sgd(model.namedParameters(), 0.9, 1e-4)}.
     */
    public Sgd(Map<String, Parameter> parameters, double momentum, double weightDecay) {
        this(Kernels.active(), parameters, momentum, weightDecay, false);
    }

    /** As {@link #Sgd(Map, double, double)} on the given kernels, optionally with Nesterov momentum. */
    public Sgd(Kernels kernels, Map<String, Parameter> parameters, double momentum, double weightDecay,
               boolean nesterov) {
        // Written so that NaN fails: it compares false with every bound.
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1) and weight decay finite and >= 0, got "
                    + "momentum=" + momentum + " weightDecay=" + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0");
        }
        // One parameter under two names would be stepped twice a step, with two momentum buffers: twice the rate.
        Map<Parameter, String> seen = new IdentityHashMap<>();
        parameters.forEach((name, p) -> {
            String earlier = seen.putIfAbsent(p, name);
            if (earlier != null) {
                throw new IllegalArgumentException("SGD: one parameter is given twice, as '" + earlier + "' and '"
                        + name + "'; give each parameter once");
            }
        });
        this.kernels = kernels;
        this.parameters = new LinkedHashMap<>(parameters);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        this.nesterov = nesterov;
        parameters.forEach((name, p) -> velocities.put(name, new float[p.value().size()]));
        this.inOrder = this.parameters.values().toArray(Parameter[]::new);
        this.velocityInOrder = this.parameters.keySet().stream().map(velocities::get).toArray(float[][]::new);
        this.stepping = new int[inOrder.length];
    }

    /** The parameters this optimizer updates, by name: the live parameters (a new map, in the order given). */
    public Map<String, Parameter> parameters() {
        return new LinkedHashMap<>(parameters);
    }

    /**
     * One update of every parameter with learning rate {@code lr}, from the gradients accumulated so far. Call it after
     * backward: a backward after it, for a forward before it, is refused ({@link Parameter#version()}).
     */
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("SGD: learning rate must be a finite number >= 0, got " + lr);
        }
        // The whole step is one change: every parameter it updates is marked changing before the first update and
        // until the last, so a snapshot on another thread (Module.readConsistently) sees the network before the step or
        // after it, never some parameters stepped and the rest not.
        int count = 0;
        for (int i = 0; i < inOrder.length; i++) {
            if (inOrder[i].trainable()) { // frozen: no decay, no momentum, the value stays
                stepping[count++] = i;
            }
        }
        for (int k = 0; k < count; k++) {
            inOrder[stepping[k]].beginChange();
        }
        try {
            for (int k = 0; k < count; k++) {
                Parameter p = inOrder[stepping[k]];
                kernels.elementwise().sgdUpdate(p.value().size(), p.value().data(), p.grad().data(),
                        velocityInOrder[stepping[k]], (float) lr, momentum, weightDecay, nesterov);
            }
        } finally {
            for (int k = 0; k < count; k++) {
                inOrder[stepping[k]].endChange();
            }
        }
    }

    /** Zeroes every gradient, ready for the next step. */
    public void zeroGrad() {
        parameters.values().forEach(Parameter::zeroGrad);
    }

    /** A copy of the momentum buffers by parameter name, in parameter order: the caller's, no later step changes it. */
    public Map<String, float[]> velocities() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        velocities.forEach((name, v) -> copy.put(name, v.clone()));
        return copy;
    }

    /**
     * Sets every momentum buffer (a checkpoint's, to resume): {@code values} must name exactly this optimizer's
     * parameters, each with its number of values. All or nothing: a refused map leaves the buffers as they were. The
     * arrays are copied.
     */
    public void loadVelocities(Map<String, float[]> values) {
        if (!values.keySet().equals(velocities.keySet())) {
            java.util.Set<String> missing = new java.util.TreeSet<>(velocities.keySet());
            missing.removeAll(values.keySet());
            java.util.Set<String> unknown = new java.util.TreeSet<>(values.keySet());
            unknown.removeAll(velocities.keySet());
            throw new IllegalArgumentException("SGD: momentum buffers must name exactly the optimizer's parameters; "
                    + "missing " + missing + ", unknown " + unknown);
        }
        velocities.forEach((name, v) -> {
            if (values.get(name).length != v.length) {
                throw new IllegalArgumentException("SGD: momentum of " + name + " has " + values.get(name).length
                        + " values, the parameter " + v.length);
            }
        });
        velocities.forEach((name, v) -> System.arraycopy(values.get(name), 0, v, 0, v.length));
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }
}
