package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * {@code relu(branch(x) + shortcut(x))}: the residual unit of the paper's Figure 2, or {@code relu(branch(x))} for
 * the plain networks it compares against. The add writes into the branch's output when the branch ends in batch norm,
 * whose backward never reads its own output (torchvision's {@code out += identity}), else into a buffer of its own;
 * backward feeds the same gradient to both the branch and the shortcut and sums what they return.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps what each layer's backward needs (see {@link Module}).
 */
public abstract class ResidualBlock extends Module {
    /** How the block's input reaches the add. Immutable; safe to share between threads. */
    public enum ShortcutKind {
        /** {@code x} itself. */
        IDENTITY,
        /** A module: option A's zero-pad subsample or a 1x1 projection. */
        MODULE,
        /** No shortcut: a plain block. */
        NONE
    }

    private final Kernels kernels;
    private List<Module> branch;
    private ShortcutKind shortcutKind;
    private Module shortcut;
    private ReLU outputRelu;

    // The workspace key of the sum's own buffer: only when training and the branch ends in a module that reads its own
    // output in backward.
    private final Object sumBuffer = new Object();

    protected ResidualBlock(Kernels kernels) {
        this.kernels = kernels;
    }

    /**
     * Called once at the end of a subclass constructor, after the children are registered in data-flow order.
     *
     * @param shortcut the module for {@link ShortcutKind#MODULE}, else null
     */
    protected final void wire(List<Module> branch, ShortcutKind kind, Module shortcut, ReLU outputRelu) {
        if ((kind == ShortcutKind.MODULE) != (shortcut != null)) {
            throw new IllegalArgumentException("a shortcut module is given exactly when the kind is MODULE");
        }
        this.branch = List.copyOf(branch);
        this.shortcutKind = kind;
        this.shortcut = shortcut;
        this.outputRelu = outputRelu;
    }

    public ShortcutKind shortcutKind() {
        return shortcutKind;
    }

    /** The residual branch's modules in data-flow order. */
    public List<Module> branch() {
        return branch;
    }

    /** The shortcut module when {@link #shortcutKind()} is {@link ShortcutKind#MODULE}, else null. */
    public Module shortcut() {
        return shortcut;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor in = Buffers.asNhwc(x, getClass().getSimpleName());
        Tensor y = in;
        for (int i = 0; i < branch.size(); i++) {
            Tensor next;
            if (fusesRelu(i)) {
                // Batch norm and the in-place ReLU after it in one pass (the same bits as the two).
                next = ((ReLU) branch.get(i + 1)).adopt(((BatchNorm2d) branch.get(i)).forwardRelu(y, workspace),
                        workspace);
                i++;
            } else {
                next = branch.get(i).forward(y, workspace);
            }
            // Inference recycles what the branch has read; the block's input waits for the shortcut and the parent.
            y = handBack(y, in, next, workspace);
        }
        if (shortcutKind == ShortcutKind.NONE) {
            return handBack(y, in, outputRelu.forward(y, workspace), workspace);
        }
        Tensor s = shortcutKind == ShortcutKind.IDENTITY ? in : shortcut.forward(in, workspace);
        s.shape().requireEqual(y.shape(), getClass().getSimpleName() + " shortcut vs branch");
        // Inference keeps nothing for backward, so then any branch output can take the sum.
        boolean separate = workspace.training() && !(branch.get(branch.size() - 1) instanceof BatchNorm2d);
        Tensor out = separate ? workspace.output(sumBuffer, y.shape(), Layout.NHWC) : y;
        if (!outputRelu.inPlace()) {
            kernels.elementwise().add(y.size(), y.data(), s.data(), out.data());
            handBack(s, in, out, workspace);
            return handBack(out, in, outputRelu.forward(out, workspace), workspace);
        }
        // The add and the in-place ReLU after it in one pass over memory (the same bits as the two passes).
        kernels.elementwise().addRelu(y.size(), y.data(), s.data(), out.data());
        handBack(s, in, out, workspace);
        return outputRelu.adopt(out, workspace);
    }

    /**
     * Returns {@code result} after handing {@code consumed}, read for the last time to compute it, back to the
     * workspace ({@link Workspace#release}), unless it is the block's input, which the shortcut or the parent still
     * needs.
     */
    private static Tensor handBack(Tensor consumed, Tensor in, Tensor result, Workspace workspace) {
        if (consumed.data() != in.data()) {
            workspace.release(consumed, result);
        }
        return result;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        GradientBuffers gradients = workspace.gradients();
        Tensor g;
        Tensor gs = null;
        if (shortcutKind != ShortcutKind.NONE) {
            // The branch consumes (overwrites) g, so the shortcut gets its own copy, written in the ReLU's pass.
            gs = gradients.take(gradOutput.shape(), outputRelu.outputLayout());
            g = outputRelu.backwardCopying(gradOutput, gs, workspace);
        } else {
            g = outputRelu.backward(gradOutput, workspace);
        }
        Tensor gb = g;
        for (int i = branch.size() - 1; i >= 0; i--) {
            if (i > 0 && fusesRelu(i - 1)) {
                gb = ((BatchNorm2d) branch.get(i - 1)).backwardRelu(gb, workspace);
                i--;
            } else {
                gb = branch.get(i).backward(gb, workspace);
            }
        }
        if (gs == null) {
            return gb;
        }
        if (shortcutKind == ShortcutKind.MODULE) {
            gs = shortcut.backward(gs, workspace);
        }
        Tensor gradInput = gradients.writableLike(gb);
        kernels.elementwise().add(gb.size(), gb.data(), gs.data(), gradInput.data());
        gradients.giveBack(gs);
        return gradInput;
    }

    /** Whether branch module {@code i} is a batch norm followed by an in-place ReLU, which run as one pass. */
    private boolean fusesRelu(int i) {
        return i + 1 < branch.size() && branch.get(i) instanceof BatchNorm2d
                && branch.get(i + 1) instanceof ReLU relu && relu.inPlace();
    }

    @Override
    public Shape outputShape(Shape in) {
        return outputShapeThrough(branch, in);
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        Shape shape = in;
        for (Module module : branch) {
            module.summarize(join(prefix, nameOf(module)), shape, rows);
            shape = module.outputShape(shape);
        }
        if (shortcutKind == ShortcutKind.MODULE) {
            shortcut.summarize(join(prefix, nameOf(shortcut)), in, rows);
        }
        outputRelu.summarize(join(prefix, nameOf(outputRelu)), shape, rows);
    }

    /** The output ReLU, after the add. */
    ReLU outputRelu() {
        return outputRelu;
    }

    /** The name {@code module} is registered under in this block. */
    String nameOf(Module module) {
        for (var entry : children().entrySet()) {
            if (entry.getValue() == module) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException(module.getClass().getSimpleName() + " is not a registered child");
    }
}
