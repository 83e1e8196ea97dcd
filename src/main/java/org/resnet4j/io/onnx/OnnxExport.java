package org.resnet4j.io.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.onnx.OnnxMessages.Dimension;
import org.resnet4j.models.ResNet;

/**
 * Writes a {@link ResNet} in evaluation mode as an ONNX model (opset 17): graph input {@code input}
 * {@code [N, 3, S, S]} (the images after the same normalization the network takes), output {@code logits}
 * {@code [N, classes]}; Conv, BatchNormalization, Relu, Add, MaxPool, GlobalAveragePool, Flatten and Gemm, with option
 * A's shortcut as Slice and Pad. Initializers carry the state-dict names ({@code layer1.0.conv1.weight}).
 *
 * <p>The weights are read while the file is written, not copied first: don't change them (train, load) meanwhile.
 *
 * <p>Holds no state: exports may run on several threads at once, of one network too.
 */
public final class OnnxExport {
    public static final int OPSET = 17;
    /** IR version 8 came with opset 17 (ONNX 1.12), so a runtime that reads opset 17 reads this file. */
    static final long IR_VERSION = 8;
    /** Protobuf cannot parse a message of 2 GiB or more; larger ONNX models keep their weights in external files. */
    private static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

    private OnnxExport() {
    }

    /**
     * What was written: the graph's node and initializer counts and the file's length. Immutable; safe to share
     * between threads.
     */
    public record Summary(int nodes, int initializers, long bytes) {
    }

    /**
     * Replaces {@code file} with the model, atomically: a failed export leaves the old file (or none), never part of a
     * new one.
     */
    public static Summary write(ResNet model, OnnxInput input, Path file) throws IOException {
        return write(model, input, file, Map.of());
    }

    /**
     * As {@link #write(ResNet, OnnxInput, Path)}, with {@code metadata} as the model's {@code metadata_props}: what a
     * consumer holding only the ONNX file needs to prepare its input (the normalization, the image size, the class
     * names, as the weights record them under the same keys). The doc string names the normalization keys when given.
     */
    public static Summary write(ResNet model, OnnxInput input, Path file, Map<String, String> metadata)
            throws IOException {
        Built built = build(model, input, metadata);
        AtomicFiles.write(file, out -> built.writeTo(out));
        return built.summary();
    }

    /** Writes the model to {@code out} (not closed). */
    public static Summary write(ResNet model, OnnxInput input, OutputStream out) throws IOException {
        Built built = build(model, input, Map.of());
        built.writeTo(out);
        return built.summary();
    }

    private record Built(ProtoMessage model, Summary summary) {
        void writeTo(OutputStream out) throws IOException {
            model.writeTo(new ProtoWriter(out));
        }
    }

    private static Built build(ResNet model, OnnxInput input, Map<String, String> metadata) {
        String name = model.architecture().name();
        int size = input.imageSize();
        int classes = model.classes();
        Dimension batch = input.batch().isPresent() ? Dimension.of(input.batch().getAsInt()) : Dimension.named("N");
        ProtoMessage images = OnnxMessages.floatValueInfo(ResNetGraph.INPUT,
                List.of(batch, Dimension.of(3), Dimension.of(size), Dimension.of(size)));
        ProtoMessage logits = OnnxMessages.floatValueInfo(ResNetGraph.OUTPUT, List.of(batch, Dimension.of(classes)));
        String n = batch.param() != null ? batch.param() : Long.toString(batch.value());
        String doc = name + " (" + classes + " classes) in evaluation mode; input: normalized images [" + n + ", 3, "
                + size + ", " + size + "]" + (metadata.containsKey(Normalization.MEAN_KEY)
                ? " (RGB in [0, 1], minus " + Normalization.MEAN_KEY + ", divided by " + Normalization.STD_KEY
                + ", both in the metadata)" : "") + ", output: logits [" + n + ", " + classes + "]";

        OnnxGraph graph = ResNetGraph.of(model);
        ProtoMessage proto = OnnxMessages.model(IR_VERSION, "resnet4j", doc, OnnxMessages.opset("", OPSET),
                graph.toProto(name, List.of(images), List.of(logits)), metadata);
        if (proto.size() >= PROTOBUF_LIMIT) {
            throw new IllegalArgumentException(name + ": the ONNX model would be " + proto.size() + " bytes, over "
                    + "protobuf's 2 GiB limit (weights in external data files are not written)");
        }
        return new Built(proto, new Summary(graph.nodeCount(), graph.initializerCount(), proto.size()));
    }
}
