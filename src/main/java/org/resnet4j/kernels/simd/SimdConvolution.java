package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.ConvolutionKernels;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.kernels.simd.ConvTiling.PixelTile;
import org.resnet4j.kernels.simd.ConvTiling.WeightTile;

/**
 * 2-d convolution with the Vector API: a vector of {@code L = LANES} floats (16 with AVX-512, 8 with AVX2) covers
 * {@code L} channels, contiguous in NHWC.
 *
 * <p><b>Forward</b>: each image is copied into a zero-padded buffer whose rows are split into {@code sh} row phases
 * ({@link ConvForwardPlanes}); there every tap of a strided convolution is a fixed offset from output pixel
 * {@code q = oh*Wv + ow} of a "virtual grid" (width {@code Wv}), so a tile needs no edge logic. A tile takes
 * consecutive output pixels with their grid bases listed per tile, so it skips the grid's padding columns
 * {@code ow >= OW} (a fifth of the grid at 8x8) instead of computing and dropping them. Weights are packed
 * {@code [coBlock][kh*KW+kw][ci][L co]} (zero lanes past {@code Cout}; {@code L = LANES}) and fed to the
 * register tiles that {@link ConvTiling} lists for this CPU ({@link ConvForward}).
 *
 * <p><b>Backward data</b> is the same machinery run once per input phase {@code (r, c)}: with {@code ih + ph =
 * u*sh + r}, only taps {@code kh = r + sh*j} reach phase row {@code u}, from gradOutput row {@code u - j}, so each
 * phase is a stride-1 correlation of the zero-padded gradOutput with a flipped sub-kernel, vectorized over
 * {@code ci}. Phases no tap reaches (1x1 stride 2) are zero ({@link ConvBackwardData}).
 *
 * <p><b>Backward weights</b> vectorizes over {@code L} {@code co} of gradOutput and broadcasts input values; for a
 * kernel row {@code kh} the pairs {@code e = kw*Cin + ci} are contiguous in a padded NHWC row, so a tile covers a few
 * consecutive {@code e} for any {@code Cin} ({@link ConvWeightGradientPlan}). The batch is cut into a fixed number of
 * chunks (a function of the shape only); each chunk sums into its own partial gradient, and partials are added in
 * chunk order, so results are bit-for-bit the same for any thread count. Forward and backward-data outputs are
 * independent per pixel, so they are too; and no register tile changes a sum ({@link ConvTiling}).
 *
 * <p>Safe to share between threads, as {@link ConvolutionKernels} asks: the work is split by shape, each task writes
 * its own part of the output and of the partial gradients, work buffers are lent to one call or task at a time, and
 * the tiles chosen per shape are kept in concurrent maps. So concurrent calls on outputs no other call writes each get
 * what they would alone.
 */
public final class SimdConvolution implements ConvolutionKernels {
    // Work buffers are lent per call and per task, not held per thread: a thread pool of callers would otherwise keep
    // a set, sized for the largest shape it saw, on every thread that ever ran a convolution.
    private final ScratchPool<ConvScratch> calls = new ScratchPool<>(ConvScratch::new);
    // Tasks run on their callers and on Parallel's helpers (cores - 1, shared by all callers) at once: with as many
    // callers as cores, up to twice as many task sets are in use, and a pool that kept fewer would drop and regrow
    // some on every call. A task's buffers are one image's, small beside a call's whole batch.
    private final ScratchPool<ConvScratch.Task> tasks =
            new ScratchPool<>(2 * ScratchPool.CAPACITY, ConvScratch.Task::new);
    /** Forward and backward-data tiles per shape, timed on first use. */
    final ConvTuner<PixelTile> pixelTiles = new ConvTuner<>();
    /** Backward-weights tiles per shape, timed on first use. */
    final ConvTuner<WeightTile> weightTiles = new ConvTuner<>();

    @Override
    public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        requireWorkBuffersFit(g);
        calls.lend(s -> {
            float[] packed = WeightPacking.forward(g, weight, s.packedWeights(WeightPacking.forwardLength(g)));
            convolve(g, input, packed, bias, output, s);
        });
    }

    @Override
    public float[] packForward(ConvGeometry g, float[] weight) {
        return WeightPacking.forward(g, weight, new float[WeightPacking.forwardLength(g)]);
    }

    @Override
    public int packedForwardLength(ConvGeometry g) {
        return WeightPacking.forwardLength(g);
    }

    @Override
    public void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output) {
        requireWorkBuffersFit(g);
        calls.lend(s -> convolve(g, input, packedWeight, bias, output, s));
    }

    /** The forward pass proper, on packed weights. */
    private void convolve(ConvGeometry g, float[] input, float[] packed, float[] bias, float[] output, ConvScratch s) {
        pixelTiles.run("forward", g, () -> ConvTiling.pixelCandidates(ConvTiling.blocks(g.outChannels())),
                tile -> ConvForward.run(g, input, packed, bias, output, tile, s, tasks));
    }

    /** {@link #forwardPacked} on a given tile (tests hold every tile to the others). */
    void convolve(ConvGeometry g, float[] input, float[] packed, float[] bias, float[] output, PixelTile tile) {
        calls.lend(s -> ConvForward.run(g, input, packed, bias, output, tile, s, tasks));
    }

    @Override
    public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
        requireWorkBuffersFit(g);
        calls.lend(s -> {
            pixelTiles.run("backwardData", g, () -> ConvTiling.pixelCandidates(ConvTiling.blocks(g.inChannels())),
                    tile -> ConvBackwardData.run(g, gradOutput, weight, gradInput, tile, s, tasks));
        });
    }

    /** {@link #backwardData} on a given tile. */
    void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput, PixelTile tile) {
        calls.lend(s -> ConvBackwardData.run(g, gradOutput, weight, gradInput, tile, s, tasks));
    }

    @Override
    public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
        requireWorkBuffersFit(g);
        calls.lend(s -> {
            weightTiles.run("backwardWeights", g,
                    () -> ConvTiling.weightCandidates(ConvTiling.blocks(g.outChannels())),
                    tile -> ConvWeightGradientPlan.run(g, input, gradOutput, gradWeight, gradBias, tile, s, tasks));
        });
    }

    /** {@link #backwardWeights} on a given tile. */
    void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias,
                         WeightTile tile) {
        calls.lend(s -> ConvWeightGradientPlan.run(g, input, gradOutput, gradWeight, gradBias, tile, s, tasks));
    }

    /** Splits each image's tiles so that small batches still give every thread several tasks. */
    static int chunksPerImage(int images, int tiles) {
        int wanted = ConvTiling.ceilDiv(4 * Parallel.threads(), images);
        return Math.max(1, Math.min(wanted, tiles));
    }

    /**
     * The arguments are checked by {@link org.resnet4j.kernels.Kernels}' facade; this guard stays here because it is
     * about this implementation's own buffers, whose sizes the facade cannot know.
     */
    static void requireWorkBuffersFit(ConvGeometry g) {
        // Every work buffer (the padded input of forward and backward-weights, the padded gradOutput of
        // backward-data) has at most H + 2p + K + s rows of W + 2p + K + s pixels of max(Cin, Cout) floats per image.
        // Exact: with strides or paddings near 2^30 the long product wrapped around and passed.
        long image = product(g.inHeight() + 2L * g.padHeight() + g.kernelHeight() + g.strideHeight(),
                g.inWidth() + 2L * g.padWidth() + g.kernelWidth() + g.strideWidth(),
                Math.max(g.inChannels(), g.outChannels()));
        long limit = Integer.MAX_VALUE - 1024;
        if (image > limit) {
            throw new IllegalArgumentException("conv2d: the padded work buffer of one image of " + g
                    + " would exceed 2^31 floats (the size, stride or padding is too large for these kernels)");
        }
        if (product(g.batch(), image, 1) > limit) {
            throw new IllegalArgumentException("conv2d: the padded work buffer of " + g + " would exceed 2^31 floats;"
                    + " split the batch");
        }
    }

    /** {@code a * b * c}, or {@link Long#MAX_VALUE} if that overflows. */
    private static long product(long a, long b, long c) {
        try {
            return Math.multiplyExact(Math.multiplyExact(a, b), c);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
