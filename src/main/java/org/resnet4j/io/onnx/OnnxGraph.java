package org.resnet4j.io.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A graph under construction: nodes in execution order and initializers, each name used once. ONNX requires a value
 * to be produced once (static single assignment) and node names to be unique; checking here names the offender,
 * where a runtime would only say the file is invalid.
 */
final class OnnxGraph {
    private final List<Node> nodes = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final Set<String> values = new HashSet<>();

    private record Node(String name, String opType, List<String> inputs, String output, List<ProtoMessage> attributes) {
    }

    /** The graph's input {@code name}, produced by no node. */
    String input(String name) {
        claimValue(name);
        return name;
    }

    /** Adds node {@code name} with one output, also called {@code name}, and returns that output. */
    String node(String name, String opType, List<String> inputs, ProtoMessage... attributes) {
        for (String input : inputs) {
            if (!values.contains(input)) {
                throw new IllegalStateException("node '" + name + "' reads '" + input + "', which nothing produces");
            }
        }
        if (!nodeNames.add(name)) {
            throw new IllegalStateException("two nodes named '" + name + "'");
        }
        claimValue(name);
        nodes.add(new Node(name, opType, List.copyOf(inputs), name, List.of(attributes)));
        return name;
    }

    void floatInitializer(String name, int[] dims, float[] values) {
        claimValue(name);
        initializers.add(OnnxMessages.floatTensor(name, dims, values));
    }

    void int64Initializer(String name, long... values) {
        claimValue(name);
        initializers.add(OnnxMessages.int64Tensor(name, values));
    }

    /**
     * Renames the output of the last node, so the graph output can have the public name ({@code logits}) while every
     * other value keeps its node's name.
     */
    String renameLastOutput(String newName) {
        Node last = nodes.removeLast();
        values.remove(last.output());
        claimValue(newName);
        nodes.add(new Node(last.name(), last.opType(), last.inputs(), newName, last.attributes()));
        return newName;
    }

    int nodeCount() {
        return nodes.size();
    }

    int initializerCount() {
        return initializers.size();
    }

    ProtoMessage toProto(String name, List<ProtoMessage> inputs, List<ProtoMessage> outputs) {
        List<ProtoMessage> nodeMessages = new ArrayList<>();
        for (Node node : nodes) {
            nodeMessages.add(OnnxMessages.node(node.name(), node.opType(), node.inputs(), List.of(node.output()),
                    node.attributes()));
        }
        return OnnxMessages.graph(name, nodeMessages, initializers, inputs, outputs);
    }

    private void claimValue(String name) {
        if (!values.add(name)) {
            throw new IllegalStateException("the value '" + name + "' is produced twice");
        }
    }
}
