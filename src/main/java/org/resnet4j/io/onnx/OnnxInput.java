package org.resnet4j.io.onnx;

import java.util.OptionalInt;

/**
 * The exported graph's input {@code [N, 3, S, S]}: the batch N fixed, or dynamic (the symbolic dimension {@code N},
 * any batch at run time), and the image size S.
 *
 * <p>Immutable; safe to share between threads.
 */
public record OnnxInput(OptionalInt batch, int imageSize) {

    public OnnxInput {
        if (batch.isPresent() && batch.getAsInt() < 1) {
            throw new IllegalArgumentException("ONNX export: batch must be >= 1, got " + batch.getAsInt());
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("ONNX export: image size must be >= 1, got " + imageSize);
        }
    }

    /** Any batch size at run time. */
    public static OnnxInput dynamicBatch(int imageSize) {
        return new OnnxInput(OptionalInt.empty(), imageSize);
    }

    public static OnnxInput fixedBatch(int batch, int imageSize) {
        return new OnnxInput(OptionalInt.of(batch), imageSize);
    }
}
