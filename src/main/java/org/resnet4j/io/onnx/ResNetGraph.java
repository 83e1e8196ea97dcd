package org.resnet4j.io.onnx;

import static org.resnet4j.io.onnx.OnnxMessages.integer;
import static org.resnet4j.io.onnx.OnnxMessages.ints;
import static org.resnet4j.io.onnx.OnnxMessages.real;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.GlobalAvgPool2d;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.MaxPool2d;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ReLU;
import org.resnet4j.nn.ResidualBlock;
import org.resnet4j.nn.Sequential;
import org.resnet4j.nn.ZeroPadSubsample;
import org.resnet4j.tensor.Tensor;

/**
 * The evaluation-mode network as ONNX nodes, layer by layer in data-flow order. A node is named by its layer's
 * module path ({@code layer2.0.conv1}) and so is the value it produces; an initializer has exactly the name of the
 * state-dict entry it holds ({@code layer2.0.bn1.running_var}), taken from the network's own name tables.
 *
 * <p>Batch norm stays a BatchNormalization node rather than being folded into the convolution: the initializers are
 * then the state dict, bit for bit, and runtimes fold Conv + BatchNormalization themselves when they load the model.
 */
final class ResNetGraph {
    static final String INPUT = "input";
    static final String OUTPUT = "logits";

    private final OnnxGraph graph = new OnnxGraph();
    private final Map<Module, String> paths = new IdentityHashMap<>();
    private final Map<Tensor, String> stateNames = new IdentityHashMap<>();

    private ResNetGraph(ResNet model) {
        collectPaths("", model);
        model.namedParameters().forEach((name, parameter) -> stateNames.put(parameter.value(), name));
        model.namedBuffers().forEach((name, buffer) -> stateNames.put(buffer, name));
    }

    /** The nodes and initializers of {@code model}, from the graph input {@code input} to the output {@code logits}. */
    static OnnxGraph of(ResNet model) {
        ResNetGraph walk = new ResNetGraph(model);
        String x = walk.graph.input(INPUT);
        for (Module layer : model.children().values()) {
            x = walk.emit(layer, x);
        }
        walk.graph.renameLastOutput(OUTPUT);
        return walk.graph;
    }

    private void collectPaths(String prefix, Module module) {
        module.children().forEach((name, child) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            paths.put(child, path);
            collectPaths(path, child);
        });
    }

    /** Adds the nodes of {@code layer} reading value {@code x}; returns the value it produces. */
    private String emit(Module layer, String x) {
        String path = paths.get(layer);
        return switch (layer) {
            case Conv2d conv -> conv(path, conv, x);
            case BatchNorm2d norm -> graph.node(path, "BatchNormalization", List.of(x, state(norm.weight().value()),
                    state(norm.bias().value()), state(norm.runningMean()), state(norm.runningVar())),
                    real("epsilon", BatchNorm2d.EPS));
            case ReLU relu -> graph.node(path, "Relu", List.of(x));
            case MaxPool2d pool -> graph.node(path, "MaxPool", List.of(x),
                    ints("kernel_shape", pool.window(), pool.window()), ints("strides", pool.stride(), pool.stride()),
                    ints("pads", pool.padding(), pool.padding(), pool.padding(), pool.padding()));
            // resnet4j's pool also flattens ([N, C, 1, 1] -> [N, C]), as torchvision's forward does after avgpool.
            case GlobalAvgPool2d pool -> graph.node(path + ".flatten", "Flatten",
                    List.of(graph.node(path, "GlobalAveragePool", List.of(x))), integer("axis", 1));
            case Linear fc -> graph.node(path, "Gemm", List.of(x, state(fc.weight().value()), state(fc.bias().value())),
                    integer("transB", 1));
            case ZeroPadSubsample shortcut -> zeroPadSubsample(path, shortcut, x);
            case Sequential sequential -> {
                String y = x;
                for (Module module : sequential.modules()) {
                    y = emit(module, y);
                }
                yield y;
            }
            case ResidualBlock block -> block(path, block, x);
            default -> throw new IllegalArgumentException("cannot export layer '" + path + "' ("
                    + layer.getClass().getSimpleName() + ") to ONNX");
        };
    }

    private String conv(String path, Conv2d conv, String x) {
        List<String> inputs = new ArrayList<>(List.of(x, state(conv.weight().value())));
        if (conv.bias() != null) {
            inputs.add(state(conv.bias().value()));
        }
        int k = conv.kernel();
        int s = conv.stride();
        int p = conv.padding();
        return graph.node(path, "Conv", inputs, ints("kernel_shape", k, k), ints("strides", s, s),
                ints("pads", p, p, p, p));
    }

    /**
     * Option A: Slice keeps rows and columns 0, s, 2s, ... (end INT64_MAX: to the end, whatever the size), then Pad
     * appends the zero channels after the input's ({@code pads} is all begins, then all ends, axis by axis).
     */
    private String zeroPadSubsample(String path, ZeroPadSubsample shortcut, String x) {
        String y = x;
        int s = shortcut.stride();
        if (s > 1) {
            List<String> constants = List.of(path + ".starts", path + ".ends", path + ".axes", path + ".steps");
            graph.int64Initializer(constants.get(0), 0, 0);
            graph.int64Initializer(constants.get(1), Long.MAX_VALUE, Long.MAX_VALUE);
            graph.int64Initializer(constants.get(2), 2, 3);
            graph.int64Initializer(constants.get(3), s, s);
            List<String> inputs = new ArrayList<>(List.of(y));
            inputs.addAll(constants);
            y = graph.node(path + ".subsample", "Slice", inputs);
        }
        int extra = shortcut.outChannels() - shortcut.inChannels();
        if (extra > 0) {
            graph.int64Initializer(path + ".pads", 0, 0, 0, 0, 0, extra, 0, 0);
            y = graph.node(path + ".pad", "Pad", List.of(y, path + ".pads"));
        }
        return y;
    }

    private String block(String path, ResidualBlock block, String x) {
        String y = x;
        for (Module module : block.branch()) {
            y = emit(module, y);
        }
        String sum = switch (block.shortcutKind()) {
            case NONE -> y;
            case IDENTITY -> graph.node(path + ".add", "Add", List.of(y, x));
            case MODULE -> graph.node(path + ".add", "Add", List.of(y, emit(block.shortcut(), x)));
        };
        return emit(outputRelu(path, block), sum);
    }

    /** The block's ReLU after the add: its one child that is neither in the branch nor the shortcut. */
    private static Module outputRelu(String path, ResidualBlock block) {
        List<Module> rest = new ArrayList<>(block.children().values());
        rest.removeIf(child -> child == block.shortcut() || block.branch().stream().anyMatch(b -> b == child));
        if (rest.size() != 1 || !(rest.get(0) instanceof ReLU)) {
            throw new IllegalArgumentException("cannot export block '" + path + "': expected one ReLU after the add "
                    + "besides the branch and the shortcut, found " + rest.size() + " other layers");
        }
        return rest.get(0);
    }

    /** Adds {@code tensor} as an initializer under its state-dict name and returns that name. */
    private String state(Tensor tensor) {
        String name = stateNames.get(tensor);
        if (name == null) {
            throw new IllegalStateException("a layer's tensor is not among the network's parameters and buffers");
        }
        graph.floatInitializer(name, tensor.shape().dims(), tensor.data());
        return name;
    }
}
