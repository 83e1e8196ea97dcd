"""Checks an exported ONNX file with the official onnx package and prints its structure (run by OnnxCheckerTest).

Usage: /usr/bin/python3 src/test/python/onnx_structure.py MODEL.onnx

Runs onnx.checker.check_model with full_check (the checker plus strict shape inference), then prints one line per
fact, in this order:
  ir_version <n>
  opset <domain or ai.onnx> <version>
  input <name> <dims, comma-separated; a symbolic dimension by its name>
  output <name> <dims>
  initializer <name> <data type name> <dims>
  node <op_type> <name> <inputs, comma-separated> -> <outputs>
  value <name> <dims>     (every node output's shape as ONNX shape inference derives it)

Exit status 3, with the reason on stderr, when onnx cannot be imported (the test then skips).
"""
import sys

try:
    import onnx
    from onnx import shape_inference
except ImportError as missing:
    print(f"cannot import onnx: {missing}", file=sys.stderr)
    sys.exit(3)


def dims(shape):
    return ",".join(d.dim_param if d.HasField("dim_param") else str(d.dim_value) for d in shape.dim)


def main(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    print("ir_version", model.ir_version)
    for opset in model.opset_import:
        print("opset", opset.domain or "ai.onnx", opset.version)
    graph = model.graph
    for value in graph.input:
        print("input", value.name, dims(value.type.tensor_type.shape))
    for value in graph.output:
        print("output", value.name, dims(value.type.tensor_type.shape))
    for tensor in graph.initializer:
        print("initializer", tensor.name, onnx.TensorProto.DataType.Name(tensor.data_type),
              ",".join(str(d) for d in tensor.dims))
    for node in graph.node:
        print("node", node.op_type, node.name, ",".join(node.input), "->", ",".join(node.output))
    for value in shape_inference.infer_shapes(model, strict_mode=True).graph.value_info:
        print("value", value.name, dims(value.type.tensor_type.shape))


if __name__ == "__main__":
    main(sys.argv[1])
