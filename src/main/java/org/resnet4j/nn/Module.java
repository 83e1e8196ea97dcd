package org.resnet4j.nn;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A layer or a composition of layers, with PyTorch's naming: parameters and buffers registered under local names,
 * children under theirs, so {@link #namedParameters()} yields torchvision's {@code state_dict} keys
 * ({@code layer2.0.downsample.0.weight}).
 *
 * <p>Two ways in. {@link #forward(Tensor, boolean)} and {@link #backward(Tensor)} are for callers: the tensor they
 * return belongs to the caller (no later call changes it), and the input they are given stays the caller's: they
 * never write to it and never read it after returning, so the caller may refill it before backward.
 * {@link #forward(Tensor, Workspace)} and {@link #backward(Tensor, Workspace)} are how modules compose: outputs live in
 * the {@link Workspace} and are overwritten by its next pass, which is why steady-state training allocates nothing.
 *
 * <p>Threads: inference ({@code forward(x, false)}) is safe to call from any number of threads at once; each call runs
 * in a workspace of its own and returns exactly what it returns alone. Training ({@code forward(x, true)}, then
 * {@code backward}) is single-caller: the module keeps what backward needs, and a second thread entering while a
 * training step runs gets an {@link IllegalStateException} naming the module. Changing weights (an optimizer step,
 * loading) while another thread runs inference is the caller's to avoid: freeze a copy to serve while training.
 *
 * <p>Life cycle of one training step: forward in a training workspace keeps what backward needs;
 * {@code backward(gradOut, workspace)} accumulates parameter gradients and returns the gradient of the input. Gradients
 * pass through the workspace's {@link GradientBuffers}: backward consumes the gradient it is given (a pool buffer may
 * be overwritten or recycled, a tensor from outside the pool is only read) and returns one the caller now holds.
 *
 * <p>What a training forward keeps for backward lives in the module objects themselves, not in a graph per call as in
 * PyTorch's autograd. So a layer object belongs to one network: placed in two networks, or trained alone between its
 * network's forward and backward, its second use replaces the first's saved activations, unchecked. Copy weights
 * between networks ({@code StateDicts}), never share layer objects. Weights change only between steps: a backward
 * whose forward ran before an optimizer step or a load of its parameters is refused (as PyTorch raises "modified by
 * an inplace operation"), since it would mix the new weights with the old activations.
 */
public abstract class Module {
    /** How long {@link #readConsistently} waits for changes to pause, and the longest a training forward waits for it. */
    public static final Duration CONSISTENT_READ_PATIENCE = Duration.ofSeconds(10);

    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, long[]> counters = new LinkedHashMap<>();
    private final CallGuard guard = new CallGuard(this::displayName);
    private final WorkspacePool inferenceWorkspaces = new WorkspacePool();
    private Workspace trainingWorkspace; // made by the first training call; guarded by the call guard
    private final Object callerInput = new Object(); // the workspace key of this module's copy of a caller's input

    /**
     * Runs the module for a caller and returns a tensor the caller owns. In training mode batch norm uses batch
     * statistics and the module keeps what {@link #backward(Tensor)} needs. Inference calls may run on many threads at
     * once; a training call runs alone (see the class comment).
     */
    public final Tensor forward(Tensor input, boolean training) {
        if (training) {
            refuseTrainingIfInferenceOnly();
            guard.letSnapshotsRead(CONSISTENT_READ_PATIENCE);
            guard.enterTraining("training forward");
            boolean completed = false;
            try {
                Workspace workspace = trainingWorkspace();
                Tensor output = forward(ownInput(input, workspace), workspace).copy();
                forEachParameterInTree(Parameter::noteForward);
                completed = true;
                return output;
            } finally {
                guard.exitTraining(completed);
            }
        }
        return inInferenceWorkspace(workspace -> forward(ownInput(input, workspace), workspace).copy());
    }

    /**
     * The caller's input as this call may use it. A layer keeps its input for backward (a convolution's weight
     * gradient reads it) and an in-place layer writes to it, while the caller may refill its array (a loader's next
     * batch) before backward runs, or use it again: so the call works on a copy in its workspace, unless the module
     * {@linkplain #isolatesCallerInput() does that itself}.
     */
    private Tensor ownInput(Tensor input, Workspace workspace) {
        if (isolatesCallerInput()) {
            return input;
        }
        Tensor own = workspace.output(callerInput, input.shape(), input.layout());
        own.copyFrom(input);
        return own;
    }

    /**
     * True when {@link #forward(Tensor, Workspace)} never writes to its input and, in training, keeps a copy of it
     * rather than the input itself (a network that brings its images to its own layout first), so that
     * {@link #forward(Tensor, boolean)} need not copy the caller's input. False by default: the safe answer for any
     * module.
     */
    protected boolean isolatesCallerInput() {
        return false;
    }

    /**
     * Runs {@code pass} in an inference workspace of this module's pool, under the same guard as an inference
     * {@link #forward(Tensor, boolean)}: for subclasses that return more than the output (a network's stage features).
     * What {@code pass} returns must not hold the workspace's tensors: copy them out.
     */
    protected final <T> T inInferenceWorkspace(Function<Workspace, T> pass) {
        guard.enterInference();
        Workspace workspace = inferenceWorkspaces.take();
        try {
            return pass.apply(workspace);
        } finally {
            inferenceWorkspaces.giveBack(workspace);
            guard.exitInference();
        }
    }

    /**
     * Given the gradient of the loss with respect to the output of the last training {@link #forward(Tensor, boolean)},
     * accumulates the parameter gradients and returns the gradient of the input (the caller's to keep), or null where
     * the module skips it. Runs once per training forward: a second call gets an {@link IllegalStateException}.
     */
    public final Tensor backward(Tensor gradOutput) {
        refuseTrainingIfInferenceOnly();
        guard.enterBackward();
        try {
            requireUnchangedSinceForward();
            Workspace workspace = trainingWorkspace();
            Tensor gradInput = backward(gradOutput, workspace);
            if (gradInput == null) {
                return null;
            }
            // The caller keeps its copy; the pool's buffer goes back for the next step.
            Tensor owned = gradInput.copy();
            workspace.gradients().giveBack(gradInput);
            return owned;
        } finally {
            guard.exitBackward();
        }
    }

    /**
     * Runs {@code read}, which copies this module's weights or statistics (a freeze, a state dict), at a moment no
     * training call, optimizer step or load changes them, and returns what it returns: a snapshot from one moment, never
     * half of an optimizer step. From the training thread between steps (a {@code TrainingListener}) it reads at once.
     * From another thread while this module trains, it holds the next training forward at its entry (the step under
     * way completes) and reads then; a change that began during the read (a load on a third thread) makes it read
     * again, as a sequence lock does.
     *
     * @param what what the read does, for the error ("freeze it")
     * @throws IllegalStateException naming the module when changes never paused for a whole read within
     *         {@link #CONSISTENT_READ_PATIENCE}: loads or optimizer steps back to back on another thread, or the
     *         training of a network this module is part of (which this module's guard does not hold)
     */
    public final <T> T readConsistently(String what, Supplier<T> read) {
        return readConsistently(what, read, CONSISTENT_READ_PATIENCE);
    }

    final <T> T readConsistently(String what, Supplier<T> read, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        guard.snapshotBegins();
        try {
            while (true) {
                long before = changeStamp();
                if (before >= 0) {
                    T value = read.get();
                    VarHandle.acquireFence(); // the read's loads complete before the stamp is read again
                    if (changeStamp() == before) {
                        return value;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(displayName() + ": cannot " + what + ": its weights or statistics "
                            + "changed (an optimizer step, a load, or training of a network it is part of, on another "
                            + "thread) during every attempt for " + patience.toMillis() + " ms; " + what
                            + " between those changes");
                }
                LockSupport.parkNanos(100_000);
            }
        } finally {
            guard.snapshotEnds();
        }
    }

    /**
     * The sum of the tree's change counters (each only grows), or -1 while a change is under way: equal before and
     * after a read when nothing changed in between.
     */
    private long changeStamp() {
        long stamp = guard.trainingChanges();
        if ((stamp & 1) != 0) {
            return -1;
        }
        for (Parameter p : parameters.values()) {
            long version = p.version();
            if ((version & 1) != 0) {
                return -1;
            }
            stamp += version;
        }
        for (Module child : children.values()) {
            long childStamp = child.changeStamp();
            if (childStamp < 0) {
                return -1;
            }
            stamp += childStamp;
        }
        return stamp;
    }

    // The walks below run at every training step: over the tree, without building the named map.
    private void forEachParameterInTree(Consumer<Parameter> action) {
        for (Parameter p : parameters.values()) {
            action.accept(p);
        }
        for (Module child : children.values()) {
            child.forEachParameterInTree(action);
        }
    }

    private boolean anyParameterInTree(Predicate<Parameter> test) {
        for (Parameter p : parameters.values()) {
            if (test.test(p)) {
                return true;
            }
        }
        for (Module child : children.values()) {
            if (child.anyParameterInTree(test)) {
                return true;
            }
        }
        return false;
    }

    private void requireUnchangedSinceForward() {
        if (!anyParameterInTree(Parameter::changedSinceForward)) {
            return;
        }
        String name = namedParameters().entrySet().stream().filter(e -> e.getValue().changedSinceForward())
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        throw new IllegalStateException(displayName() + ": backward refused: parameter '" + name + "' changed after "
                + "the training forward (an optimizer step or a load in between), and the gradient would mix the new "
                + "weights with the activations of the old; run the forward again after changing weights");
    }

    /**
     * Runs the module in {@code workspace}, whose mode says whether it trains. The result is the workspace's (or, for
     * an in-place layer, the input itself): the next pass in the same workspace overwrites it.
     */
    public abstract Tensor forward(Tensor input, Workspace workspace);

    /**
     * Given the gradient of the loss with respect to the output of the last forward in the training
     * {@code workspace}, accumulates parameter gradients and returns that of the input.
     */
    public abstract Tensor backward(Tensor gradOutput, Workspace workspace);

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
    /**
     * Runs {@code modules} in turn from {@code input} and returns the last one's output. Each output in between is
     * handed back to the workspace once the next module has read it ({@link Workspace#release}), so that inference
     * recycles its array; {@code input} and the returned output are never handed back.
     */
    protected static Tensor forwardThrough(List<? extends Module> modules, Tensor input, Workspace workspace) {
        return chain(modules, input, input, workspace);
    }

    /**
     * A {@link Sequential} among {@code modules} is run child by child in the same chain (what its own forward does),
     * so that the tensor before it is released as soon as its first child has read it, not after its last.
     */
    private static Tensor chain(List<? extends Module> modules, Tensor from, Tensor input, Workspace workspace) {
        Tensor x = from;
        for (Module module : modules) {
            if (module instanceof Sequential sequential) {
                x = chain(sequential.inOrder(), x, input, workspace);
                continue;
            }
            Tensor next = module.forward(x, workspace);
            if (x.data() != input.data()) {
                workspace.release(x, next);
            }
            x = next;
        }
        return x;
    }

    protected static Shape outputShapeThrough(List<? extends Module> modules, Shape in) {
        Shape shape = in;
        for (Module module : modules) {
            shape = module.outputShape(shape);
        }
        return shape;
    }

    protected final <M extends Module> M child(String name, M module) {
        // One object in two places of a network would be silently wrong: its output buffer is keyed by the object, so
        // the second use overwrites the first's output (or reads and writes one array), training keeps only the last
        // use's activations for backward, and its parameters are listed, counted and stepped twice.
        Set<Module> here = Collections.newSetFromMap(new IdentityHashMap<>());
        addSubtree(this, here);
        if (containsAny(module, here)) {
            throw new IllegalArgumentException("child '" + name + "' (" + module.getClass().getSimpleName() + "), or a "
                    + "module inside it, is already part of this network: use a new layer object for each place");
        }
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("child '" + name + "' registered twice");
        }
        return module;
    }

    private static void addSubtree(Module module, Set<Module> into) {
        into.add(module);
        module.children.values().forEach(child -> addSubtree(child, into));
    }

    private static boolean containsAny(Module module, Set<Module> set) {
        if (set.contains(module)) {
            return true;
        }
        for (Module child : module.children.values()) {
            if (containsAny(child, set)) {
                return true;
            }
        }
        return false;
    }

    /** The gradient pool of this module's own training calls ({@link #forward(Tensor, boolean)}, {@link #backward}). */
    public final GradientBuffers gradients() {
        return trainingWorkspace().gradients();
    }

    private synchronized Workspace trainingWorkspace() {
        if (trainingWorkspace == null) {
            trainingWorkspace = Workspace.forTraining();
        }
        return trainingWorkspace;
    }

    /**
     * Throws for a module that cannot train (a frozen network), before the call guard is taken: a refused training call
     * must not make the inference calls running beside it fail. Does nothing by default.
     */
    protected void refuseTrainingIfInferenceOnly() {
    }

    /** How errors name this module: the network's name for a whole model, else the layer type. */
    protected String displayName() {
        return getClass().getSimpleName();
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

    /**
     * Every float buffer (running statistics) under its full dotted name: the live tensors, which training forwards
     * update and loading writes (copy them to keep a snapshot); the map is the caller's.
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        collect("", null, result, null);
        return result;
    }

    /** Every integer buffer ({@code num_batches_tracked}) by full dotted name; live, as {@link #namedBuffers()}. */
    public final Map<String, long[]> namedCounters() {
        Map<String, long[]> result = new LinkedHashMap<>();
        collect("", null, null, result);
        return result;
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Sets whether the parameters under {@code names} train: a name covers itself and everything below it
     * ({@code layer1} covers {@code layer1.0.conv1.weight} but not {@code layer10...}); no names means every parameter.
     * Freezing a backbone ({@code setTrainable(false)} then {@code setTrainable(true, "fc")}) makes a training step
     * skip the backbone's gradients altogether. A batch norm whose parameters are all frozen is frozen whole: in
     * training too it normalizes with its running statistics and leaves them as they are (torchvision's
     * {@code FrozenBatchNorm2d}, Keras's {@code trainable = False}), so a frozen backbone computes what it computes in
     * evaluation. PyTorch's {@code requires_grad_(False)} alone differs here: it leaves batch norm on batch statistics.
     *
     * @return how many parameters were set
     */
    public final int setTrainable(boolean trainable, String... names) {
        int count = 0;
        for (Map.Entry<String, Parameter> entry : namedParameters().entrySet()) {
            if (names.length == 0 || java.util.Arrays.stream(names).anyMatch(n -> entry.getKey().equals(n)
                    || entry.getKey().startsWith(n + "."))) {
                entry.getValue().setTrainable(trainable);
                count++;
            }
        }
        if (count == 0 && names.length > 0) {
            throw new IllegalArgumentException("no parameter is named " + String.join(" or ", names) + " or lies "
                    + "below it; the names look like " + namedParameters().keySet().stream().limit(3).toList());
        }
        return count;
    }

    /** True when no parameter of this module or below it trains (a module without parameters counts as frozen). */
    public final boolean frozen() {
        // Backward asks this of its layers at every step.
        return !anyParameterInTree(Parameter::trainable);
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
        forEachParameterInTree(Parameter::zeroGrad);
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
