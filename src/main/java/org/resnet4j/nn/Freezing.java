package org.resnet4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.kernels.Kernels;

/**
 * Turns trained layers into an inference-only copy, as TorchScript's freeze does: each convolution with the batch norm
 * after it becomes one {@link FoldedConv2d} with packed weights, and the rest is copied. The copy shares no state
 * with the source, so the source can train on while the copy serves.
 *
 * <p>Its method keeps no state and may run on several threads at once, provided the source layers do not train or load
 * weights while they are copied: {@code ResNet.freeze()} runs it inside {@link Module#readConsistently}, which sees to
 * that.
 */
public final class Freezing {
    private Freezing() {
    }

    /** The frozen counterparts of {@code layers} (data-flow order), under the same names; folded norms drop out. */
    public static Map<String, Module> freeze(Kernels kernels, Map<String, Module> layers) {
        Map<String, Module> frozen = new LinkedHashMap<>();
        List<Map.Entry<String, Module>> entries = List.copyOf(layers.entrySet());
        for (int i = 0; i < entries.size(); i++) {
            String name = entries.get(i).getKey();
            Module layer = entries.get(i).getValue();
            Module next = i + 1 < entries.size() ? entries.get(i + 1).getValue() : null;
            if (layer instanceof Conv2d conv && next instanceof BatchNorm2d norm) {
                frozen.put(name, new FoldedConv2d(kernels, conv, norm));
                i++;
            } else {
                frozen.put(name, freeze(kernels, name, layer));
            }
        }
        return frozen;
    }

    private static Module freeze(Kernels kernels, String name, Module layer) {
        return switch (layer) {
            case Sequential sequential -> new Sequential(List.copyOf(freeze(kernels, sequential.children()).values()));
            case ResidualBlock block -> freezeBlock(kernels, block);
            case Conv2d conv -> new FoldedConv2d(kernels, conv, null);
            case ReLU relu -> copy(kernels, relu);
            case MaxPool2d pool -> new MaxPool2d(kernels, pool.window(), pool.stride(), pool.padding());
            case GlobalAvgPool2d pool -> new GlobalAvgPool2d(kernels);
            case ZeroPadSubsample pad -> new ZeroPadSubsample(kernels, pad.inChannels(), pad.outChannels(),
                    pad.stride());
            case Linear linear -> copy(kernels, linear);
            default -> throw new IllegalArgumentException("cannot freeze layer '" + name + "' ("
                    + layer.getClass().getSimpleName() + "): only convolutions with their batch norms, ReLU, pooling, "
                    + "shortcuts, linear layers and compositions of them");
        };
    }

    private static FrozenBlock freezeBlock(Kernels kernels, ResidualBlock block) {
        Map<String, Module> branch = new LinkedHashMap<>();
        for (Module layer : block.branch()) {
            branch.put(block.nameOf(layer), layer);
        }
        Module shortcut = block.shortcut();
        Map.Entry<String, Module> frozenShortcut = shortcut == null ? null
                : Map.entry(block.nameOf(shortcut), freeze(kernels, block.nameOf(shortcut), shortcut));
        ReLU relu = block.outputRelu();
        return new FrozenBlock(kernels, freeze(kernels, branch), block.shortcutKind(), frozenShortcut,
                Map.entry(block.nameOf(relu), copy(kernels, relu)));
    }

    private static ReLU copy(Kernels kernels, ReLU relu) {
        return new ReLU(kernels, relu.inPlace());
    }

    private static Linear copy(Kernels kernels, Linear linear) {
        Linear copy = new Linear(kernels, linear.inFeatures(), linear.outFeatures());
        copy.weight().value().copyFrom(linear.weight().value());
        copy.bias().value().copyFrom(linear.bias().value());
        return copy;
    }
}
