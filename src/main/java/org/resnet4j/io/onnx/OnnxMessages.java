package org.resnet4j.io.onnx;

import java.util.List;
import java.util.Map;

/**
 * The ONNX messages the exporter writes, with their field numbers from the official {@code onnx/onnx.proto}
 * (https://github.com/onnx/onnx/blob/v1.12.0/onnx/onnx.proto, proto2; unchanged in later releases): ModelProto,
 * OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto (its Tensor),
 * TensorShapeProto (its Dimension). Repeated scalars ({@code dims}, {@code ints}) are written unpacked, one tag per
 * value, as proto2 declares them.
 */
final class OnnxMessages {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    private static final int STRING_STRING_KEY = 1;
    private static final int STRING_STRING_VALUE = 2;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto and its AttributeType enum
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_F = 2;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int TYPE_FLOAT = 1;
    private static final int TYPE_INT = 2;
    private static final int TYPE_INTS = 7;
    // TensorProto and its DataType enum
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    static final int FLOAT = 1;
    static final int INT64 = 7;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private OnnxMessages() {
    }

    /** One dimension of a graph input or output: a number, or a name the runtime binds at run time. */
    record Dimension(long value, String param) {
        static Dimension of(long value) {
            return new Dimension(value, null);
        }

        static Dimension named(String param) {
            return new Dimension(0, param);
        }
    }

    static ProtoMessage model(long irVersion, String producer, String docString, ProtoMessage opset,
                              ProtoMessage graph, Map<String, String> metadata) {
        ProtoMessage model = new ProtoMessage()
                .varint(MODEL_IR_VERSION, irVersion)
                .string(MODEL_PRODUCER_NAME, producer)
                .string(MODEL_DOC_STRING, docString)
                .message(MODEL_GRAPH, graph)
                .message(MODEL_OPSET_IMPORT, opset);
        metadata.forEach((key, value) -> model.message(MODEL_METADATA_PROPS, new ProtoMessage()
                .string(STRING_STRING_KEY, key).string(STRING_STRING_VALUE, value)));
        return model;
    }

    /** An operator set import; the empty domain is the default one, {@code ai.onnx}. */
    static ProtoMessage opset(String domain, long version) {
        return new ProtoMessage().string(OPSET_DOMAIN, domain).varint(OPSET_VERSION, version);
    }

    static ProtoMessage graph(String name, List<ProtoMessage> nodes, List<ProtoMessage> initializers,
                              List<ProtoMessage> inputs, List<ProtoMessage> outputs) {
        ProtoMessage graph = new ProtoMessage();
        nodes.forEach(node -> graph.message(GRAPH_NODE, node));
        graph.string(GRAPH_NAME, name);
        initializers.forEach(tensor -> graph.message(GRAPH_INITIALIZER, tensor));
        inputs.forEach(input -> graph.message(GRAPH_INPUT, input));
        outputs.forEach(output -> graph.message(GRAPH_OUTPUT, output));
        return graph;
    }

    static ProtoMessage node(String name, String opType, List<String> inputs, List<String> outputs,
                             List<ProtoMessage> attributes) {
        ProtoMessage node = new ProtoMessage();
        inputs.forEach(input -> node.string(NODE_INPUT, input));
        outputs.forEach(output -> node.string(NODE_OUTPUT, output));
        node.string(NODE_NAME, name).string(NODE_OP_TYPE, opType);
        attributes.forEach(attribute -> node.message(NODE_ATTRIBUTE, attribute));
        return node;
    }

    static ProtoMessage ints(String name, long... values) {
        ProtoMessage attribute = new ProtoMessage().string(ATTRIBUTE_NAME, name);
        for (long value : values) {
            attribute.varint(ATTRIBUTE_INTS, value);
        }
        return attribute.varint(ATTRIBUTE_TYPE, TYPE_INTS);
    }

    static ProtoMessage integer(String name, long value) {
        return new ProtoMessage().string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_I, value)
                .varint(ATTRIBUTE_TYPE, TYPE_INT);
    }

    static ProtoMessage real(String name, float value) {
        return new ProtoMessage().string(ATTRIBUTE_NAME, name).fixed32(ATTRIBUTE_F, value)
                .varint(ATTRIBUTE_TYPE, TYPE_FLOAT);
    }

    /** A float tensor whose data is read from {@code values} when written. */
    static ProtoMessage floatTensor(String name, int[] dims, float[] values) {
        ProtoMessage tensor = tensorHeader(dims, FLOAT).string(TENSOR_NAME, name);
        return tensor.floatsLittleEndian(TENSOR_RAW_DATA, values);
    }

    /** A 1-d int64 tensor. */
    static ProtoMessage int64Tensor(String name, long... values) {
        ProtoMessage tensor = tensorHeader(new int[] {values.length}, INT64).string(TENSOR_NAME, name);
        return tensor.longsLittleEndian(TENSOR_RAW_DATA, values);
    }

    private static ProtoMessage tensorHeader(int[] dims, int dataType) {
        ProtoMessage tensor = new ProtoMessage();
        for (int dim : dims) {
            tensor.varint(TENSOR_DIMS, dim);
        }
        return tensor.varint(TENSOR_DATA_TYPE, dataType);
    }

    /** A graph input or output: a float tensor of the given dimensions. */
    static ProtoMessage floatValueInfo(String name, List<Dimension> dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Dimension dim : dims) {
            shape.message(SHAPE_DIM, dim.param() == null ? new ProtoMessage().varint(DIM_VALUE, dim.value())
                    : new ProtoMessage().string(DIM_PARAM, dim.param()));
        }
        ProtoMessage tensorType = new ProtoMessage().varint(TENSOR_TYPE_ELEM_TYPE, FLOAT)
                .message(TENSOR_TYPE_SHAPE, shape);
        ProtoMessage type = new ProtoMessage().message(TYPE_TENSOR_TYPE, tensorType);
        return new ProtoMessage().string(VALUE_INFO_NAME, name).message(VALUE_INFO_TYPE, type);
    }
}
