package org.resnet4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Modules run one after another, named {@code 0, 1, 2, ...} as PyTorch's {@code nn.Sequential}; backward runs them in
 * reverse.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps what each child's backward needs (see {@link Module}).
 */
public final class Sequential extends Module {
    private final List<Module> modules = new ArrayList<>();

    public Sequential(List<? extends Module> modules) {
        for (Module module : modules) {
            this.modules.add(child(Integer.toString(this.modules.size()), module));
        }
    }

    public Sequential(Module... modules) {
        this(List.of(modules));
    }

    public List<Module> modules() {
        return List.copyOf(modules);
    }

    /** The modules themselves, not a copy: for the forward chain, which runs every pass and allocates nothing. */
    List<Module> inOrder() {
        return modules;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        return forwardThrough(modules, x, workspace);
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        Tensor g = gradOutput;
        for (int i = modules.size() - 1; i >= 0; i--) {
            g = modules.get(i).backward(g, workspace);
        }
        return g;
    }

    @Override
    public Shape outputShape(Shape in) {
        return outputShapeThrough(modules, in);
    }
}
