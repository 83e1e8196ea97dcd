package org.resnet4j.tensor;

/**
 * The order in which a rank-4 tensor's values sit in memory. The logical shape is always {@code [N, C, H, W]}; the
 * layout only says how the flat array is indexed. Tensors of other ranks are plain row-major and use {@link #NCHW}.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum Layout {
    /** Row-major {@code [N][C][H][W]}: PyTorch's default and the public API's. */
    NCHW,
    /** Channels last, {@code [N][H][W][C]}: the kernels' layout, so a vector covers consecutive channels. */
    NHWC;

    /** Flat index of element (n, c, h, w) of a tensor with logical shape [N, C, H, W] in this layout. */
    public int index(int channels, int height, int width, int n, int c, int h, int w) {
        return switch (this) {
            case NCHW -> ((n * channels + c) * height + h) * width + w;
            case NHWC -> ((n * height + h) * width + w) * channels + c;
        };
    }
}
