package org.resnet4j.nn;

import java.util.List;
import java.util.Map;
import org.resnet4j.kernels.Kernels;

/** A residual block made of frozen (inference-only) layers; built by {@link Freezing}. */
final class FrozenBlock extends ResidualBlock {

    /**
     * @param branch   the frozen branch, by the names of the layers it came from, in data-flow order
     * @param shortcut the frozen shortcut module under its name, or null for an identity or no shortcut
     * @param relu     the frozen output ReLU under its name
     */
    FrozenBlock(Kernels kernels, Map<String, Module> branch, ShortcutKind kind, Map.Entry<String, Module> shortcut,
                Map.Entry<String, ReLU> relu) {
        super(kernels);
        branch.forEach(this::child);
        Module frozenShortcut = shortcut == null ? null : child(shortcut.getKey(), shortcut.getValue());
        wire(List.copyOf(branch.values()), kind, frozenShortcut, child(relu.getKey(), relu.getValue()));
    }
}
