package org.resnet4j.io.pytorch;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of {@code shape} into a storage, starting
 * at element {@code offset}, moving {@code strides[d]} elements per step along dimension {@code d}. Saved tensors are
 * often not contiguous (a transposed weight, a channels-last convolution, a slice with an offset, an expanded buffer
 * with stride 0), so {@link #contiguousBytes} gathers the elements in row-major order, as safetensors stores them.
 */
record TensorRef(StorageRef storage, long offset, long[] shape, long[] strides) {
    /** More than any tensor needs; keeps a hostile shape tuple from costing a long walk. */
    static final int MAX_RANK = 64;
    /** The largest tensor one Java byte array holds. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    TensorRef {
        shape = shape.clone();
        strides = strides.clone();
    }

    /**
     * A view, checked: non-negative offset, sizes and strides (PyTorch has no negative strides), rank at most
     * {@value #MAX_RANK}, at most {@link #MAX_BYTES} bytes, and every element it reaches inside the storage.
     */
    static TensorRef checked(StorageRef storage, long offset, long[] shape, long[] strides) throws PickleRefusal {
        String view = "view (offset " + offset + ", size " + Arrays.toString(shape) + ", stride "
                + Arrays.toString(strides) + ") of storage '" + storage.key() + "' (" + storage.numel() + " "
                + storage.dtype() + " elements)";
        if (shape.length != strides.length || shape.length > MAX_RANK) {
            throw new PickleRefusal("tensor " + view + ": size and stride must have the same rank, at most " + MAX_RANK);
        }
        if (offset < 0 || Arrays.stream(shape).anyMatch(d -> d < 0) || Arrays.stream(strides).anyMatch(s -> s < 0)) {
            throw new PickleRefusal("tensor " + view + ": offset, sizes and strides must not be negative");
        }
        long count = 1;
        long last = offset;
        try {
            for (int d = 0; d < shape.length; d++) {
                count = Math.multiplyExact(count, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
                }
            }
            if (Math.multiplyExact(count, storage.dtype().byteSize()) > MAX_BYTES) {
                throw new ArithmeticException();
            }
        } catch (ArithmeticException e) {
            throw new PickleRefusal("tensor " + view + " is larger than one Java array can hold");
        }
        if (count > 0 && last >= storage.numel()) {
            throw new PickleRefusal("tensor " + view + " reaches element " + last + ", outside the storage");
        }
        return new TensorRef(storage, offset, shape, strides);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    int elementCount() {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return (int) count;
    }

    /**
     * The elements in row-major order, little-endian.
     *
     * @param storageBytes the whole storage, {@code storage.byteLength()} bytes
     * @param bigEndian    whether the checkpoint's byte order record says {@code big}
     */
    byte[] contiguousBytes(byte[] storageBytes, boolean bigEndian) {
        int size = storage.dtype().byteSize();
        int count = elementCount();
        byte[] out = new byte[count * size];
        if (count > 0 && isContiguous()) {
            System.arraycopy(storageBytes, Math.toIntExact(offset * size), out, 0, out.length);
        } else if (count > 0) {
            gather(storageBytes, out, size);
        }
        if (bigEndian && size > 1) {
            for (int at = 0; at < out.length; at += size) {
                for (int i = 0, j = size - 1; i < j; i++, j--) {
                    byte b = out[at + i];
                    out[at + i] = out[at + j];
                    out[at + j] = b;
                }
            }
        }
        return out;
    }

    /** Row-major strides, ignoring dimensions of size 1 (whose stride PyTorch leaves arbitrary). */
    private boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** An odometer over the output indices, the source element moving by each dimension's stride. */
    private void gather(byte[] storageBytes, byte[] out, int size) {
        int rank = shape.length;
        long[] index = new long[rank];
        long source = offset;
        for (int at = 0; at < out.length; at += size) {
            System.arraycopy(storageBytes, (int) (source * size), out, at, size);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    source += strides[d];
                    break;
                }
                source -= (shape[d] - 1) * strides[d];
                index[d] = 0;
            }
        }
    }
}
