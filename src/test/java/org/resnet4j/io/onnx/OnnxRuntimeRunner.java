package org.resnet4j.io.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.resnet4j.tensor.Tensor;

/** An exported file opened in ONNX Runtime (its default, fully optimized session): the runtime the tests trust. */
final class OnnxRuntimeRunner implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeRunner(Path model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = environment.createSession(model.toString(), options);
        }
    }

    /** The logits of an NCHW batch of images, as the runtime computes them. */
    float[] logits(Tensor images) throws OrtException {
        long[] shape = Arrays.stream(images.shape().dims()).asLongStream().toArray();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images.data()), shape);
             OrtSession.Result result = session.run(Map.of(ResNetGraph.INPUT, input))) {
            FloatBuffer logits = ((OnnxTensor) result.get(ResNetGraph.OUTPUT).orElseThrow()).getFloatBuffer();
            float[] values = new float[logits.remaining()];
            logits.get(values);
            return values;
        }
    }

    /** The declared shape of a graph input or output; -1 marks a dynamic dimension. */
    long[] shape(String name) throws OrtException {
        Map<String, NodeInfo> infos = name.equals(ResNetGraph.INPUT) ? session.getInputInfo() : session.getOutputInfo();
        return ((TensorInfo) infos.get(name).getInfo()).getShape();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
