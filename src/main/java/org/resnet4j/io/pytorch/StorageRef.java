package org.resnet4j.io.pytorch;

import org.resnet4j.io.DType;

/**
 * A storage the pickle refers to by persistent id {@code ("storage", torch.<Type>Storage, key, location, numel)}: its
 * bytes are the zip entry {@code <top>/data/<key>}, {@code numel} elements of {@code dtype}. Two tensors with the
 * same key share the storage (views of one tensor, or tied weights).
 *
 * @param location the device it was saved from ({@code "cpu"}, {@code "cuda:0"}); the bytes are the same either way
 */
record StorageRef(String key, DType dtype, long numel, String location) {

    /** {@code numel * dtype size}, or {@link Long#MAX_VALUE} when that overflows (no file is that long). */
    long byteLength() {
        return Math.multiplyHigh(numel, dtype.byteSize()) != 0 || numel * dtype.byteSize() < 0 ? Long.MAX_VALUE
                : numel * dtype.byteSize();
    }
}
