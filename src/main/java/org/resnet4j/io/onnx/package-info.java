/**
 * Export of a {@link org.resnet4j.models.ResNet} as a standard ONNX model (opset 17), written by a small protobuf
 * encoder of the few ONNX messages it needs, so the library still depends on nothing but slf4j-api.
 */
package org.resnet4j.io.onnx;
