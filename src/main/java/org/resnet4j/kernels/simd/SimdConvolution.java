package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.ConvolutionKernels;
import org.resnet4j.kernels.Parallel;

/**
 * 2-d convolution with the Vector API: a vector of {@code L = LANES} floats (16 with AVX-512, 8 with AVX2) covers
 * {@code L} channels, contiguous in NHWC.
 *
 * <p><b>Forward</b>: each image is copied into a zero-padded buffer whose rows are split into {@code sh} row phases
 * ({@link ConvPlanes}); there every tap of a strided convolution is a fixed offset from output pixel
 * {@code q = oh*Wv + ow} of a "virtual grid" (width {@code Wv}), so a tile needs no edge logic. A tile takes
 * consecutive output pixels with their grid bases listed per tile, so it skips the grid's padding columns
 * {@code ow >= OW} (a fifth of the grid at 8x8) instead of computing and dropping them. Weights are packed
 * {@code [coBlock][kh*KW+kw][ci][L co]} (zero lanes past {@code Cout}; {@code L = LANES}) and fed to the
 * register-blocked tiles of {@link ConvMicroKernels}.
 *
 * <p><b>Backward data</b> is the same machinery run once per input phase {@code (r, c)}: with {@code ih + ph =
 * u*sh + r}, only taps {@code kh = r + sh*j} reach phase row {@code u}, from gradOutput row {@code u - j}, so each
 * phase is a stride-1 correlation of the zero-padded gradOutput with a flipped sub-kernel, vectorized over
 * {@code ci}. Phases no tap reaches (1x1 stride 2) are zero.
 *
 * <p><b>Backward weights</b> vectorizes over {@code L} {@code co} of gradOutput and broadcasts input values; for a
 * kernel row {@code kh} the pairs {@code e = kw*Cin + ci} are contiguous in a padded NHWC row, so a tile covers a few
 * consecutive {@code e} for any {@code Cin} ({@link WeightGradientPlan}). The batch is cut into a fixed number of
 * chunks (a function of the shape only); each chunk sums into its own partial gradient, and partials are added in
 * chunk order, so results are bit-for-bit the same for any thread count. Forward and backward-data outputs are
 * independent per pixel, so they are too.
 */
public final class SimdConvolution implements ConvolutionKernels {
    /** Grid pixels of a two-block tile; a one-block tile has twice as many (same 12 accumulators). */
    private static final int PAIR_PIXELS = 6;
    private static final int SINGLE_PIXELS = 12;

    private final ThreadLocal<ConvScratch> scratch = ThreadLocal.withInitial(ConvScratch::new);

    @Override
    public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        checkLengths(g, "input", input, g.inputSize(), "weight", weight, "output", output, bias, "bias");
        float[] packed = WeightPacking.forward(g, weight, scratch.get().packedWeights(WeightPacking.forwardLength(g)));
        convolve(g, input, packed, bias, output);
    }

    @Override
    public float[] packForward(ConvGeometry g, float[] weight) {
        requireLength(g, "weight", weight, g.weightSize());
        return WeightPacking.forward(g, weight, new float[WeightPacking.forwardLength(g)]);
    }

    @Override
    public void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output) {
        checkLengths(g, "input", input, g.inputSize(), "packed weight", packedWeight, "output", output, bias, "bias");
        requireLength(g, "packed weight", packedWeight, WeightPacking.forwardLength(g));
        convolve(g, input, packedWeight, bias, output);
    }

    /** The forward pass proper, on packed weights. */
    private void convolve(ConvGeometry g, float[] input, float[] packed, float[] bias, float[] output) {
        ConvScratch s = scratch.get();
        int cin = g.inChannels();
        int cout = g.outChannels();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int blocks = blocks(cout);
        int tileM = blocks == 1 ? SINGLE_PIXELS : PAIR_PIXELS;
        ConvPlanes planes = ConvPlanes.forInput(g);
        int gridWidth = planes.width();
        // Tiles run over the kept pixels only, in output order, skipping the grid's padding columns.
        int pixels = oh * ow;
        int tiles = ceilDiv(pixels, tileM);
        int taps = g.kernelHeight() * g.kernelWidth();
        int pairs = ceilDiv(blocks, 2);
        // Deep layers on small images (ResNet-50's last stage: up to 9 MB of weights against a 7x7 image) hold more
        // weights than input. There a task takes a range of channel-block pairs and runs every tile through one pair
        // at a time, so the pair's weight panel stays in cache instead of the whole weight set streaming from memory
        // once per tile. Each output is computed by the same tile either way, so the results are the same bits.
        boolean weightsOuter = pairs > 1 && (long) blocks * taps * cin * LANES > (long) g.inHeight() * g.inWidth() * cin;
        int chunks = chunksPerImage(g.batch(), weightsOuter ? pairs : tiles);
        // With a task per image, each task pads its image into its own buffer and convolves it while it is in L2;
        // otherwise (small batches, split images) the whole batch is padded first.
        // A 1x1 convolution without padding reads the input where it is: tiles read only kept pixels, so no
        // padding or slack is needed (the copy cost 15-20% of a 1x1 with 64 output channels).
        boolean direct = g.kernelHeight() == 1 && g.kernelWidth() == 1 && g.padHeight() == 0 && g.padWidth() == 0;
        boolean perImage = chunks == 1 && !direct;
        float[] batchPadded = direct ? input : perImage ? null : s.input(planes.bufferLength(g.batch()));
        if (!perImage && !direct) {
            // In row bands, so a batch smaller than the pool (batch-1 inference) pads on every thread.
            int rows = planes.paddedRows();
            int bands = Math.min(rows, ceilDiv(2 * Parallel.threads(), g.batch()));
            Parallel.forEach(g.batch() * bands, task -> {
                int n = task / bands;
                int band = task % bands;
                planes.fillRows(input, n, batchPadded, n * planes.imageLength(),
                        Parallel.chunkStart(rows, bands, band), Parallel.chunkStart(rows, bands, band + 1));
            });
        }

        int[] steps = new int[taps * cin];
        for (int t = 0; t < taps; t++) {
            int offset = planes.tapOffset(t / g.kernelWidth(), t % g.kernelWidth());
            for (int c = 0; c < cin; c++) {
                steps[t * cin + c] = offset + c;
            }
        }
        float[] paddedBias = s.bias(blocks * LANES);
        Arrays.fill(paddedBias, 0, blocks * LANES, 0f);
        if (bias != null) {
            System.arraycopy(bias, 0, paddedBias, 0, cout);
        }

        int panel = taps * cin * LANES;
        int colStep = direct ? g.strideWidth() * cin : planes.pixelStride();
        int rowStep = direct ? g.strideHeight() * g.inWidth() * cin : gridWidth * planes.pixelStride();
        int imageStride = direct ? g.inHeight() * g.inWidth() * cin : planes.imageLength();
        Parallel.forEach(g.batch() * chunks, task -> {
            int n = task / chunks;
            int chunk = task % chunks;
            float[] padded;
            int x0;
            if (perImage) {
                padded = scratch.get().image(planes.imageLength());
                planes.fill(input, n, padded, 0);
                x0 = 0;
            } else {
                padded = batchPadded;
                x0 = n * imageStride;
            }
            TileRun run = new TileRun(padded, steps, packed, panel, paddedBias, output, tileM, blocks, cout, pixels,
                    ow, x0, rowStep, colStep, n);
            if (weightsOuter) {
                for (int pair = Parallel.chunkStart(pairs, chunks, chunk), end = Parallel.chunkStart(pairs, chunks,
                        chunk + 1); pair < end; pair++) {
                    for (int t = 0; t < tiles; t++) {
                        run.tile(t, 2 * pair, 2 * pair + 2);
                    }
                }
            } else {
                // Tiles outer, channel blocks inner: a tile's input stays in L1 across the blocks, and the weights
                // (at most a few hundred KB here) stay in L2.
                for (int t = Parallel.chunkStart(tiles, chunks, chunk), end = Parallel.chunkStart(tiles, chunks,
                        chunk + 1); t < end; t++) {
                    run.tile(t, 0, blocks);
                }
            }
        });
    }

    /** One task's forward tiles: where a tile's pixels are read and written, and the micro-kernel calls. */
    private static final class TileRun {
        private final float[] padded;
        private final int[] steps;
        private final float[] packed;
        private final int panel;
        private final float[] paddedBias;
        private final float[] output;
        private final int tileM;
        private final int blocks;
        private final int cout;
        private final int pixels;
        private final int ow;
        private final int x0;
        private final int rowStep;
        private final int colStep;
        private final int image;
        private final int[] src;
        private final int[] base;
        private final int[] dst;

        TileRun(float[] padded, int[] steps, float[] packed, int panel, float[] paddedBias, float[] output, int tileM,
                int blocks, int cout, int pixels, int ow, int x0, int rowStep, int colStep, int image) {
            this.padded = padded;
            this.steps = steps;
            this.packed = packed;
            this.panel = panel;
            this.paddedBias = paddedBias;
            this.output = output;
            this.tileM = tileM;
            this.blocks = blocks;
            this.cout = cout;
            this.pixels = pixels;
            this.ow = ow;
            this.x0 = x0;
            this.rowStep = rowStep;
            this.colStep = colStep;
            this.image = image;
            this.src = new int[tileM];
            this.base = new int[tileM];
            this.dst = new int[tileM];
        }

        /** Output pixels {@code [t*tileM, (t+1)*tileM)} of the image, channel blocks {@code [b0, min(b1, blocks))}. */
        void tile(int t, int b0, int b1) {
            int i = t * tileM;
            int y = i / ow;
            int x = i - y * ow;
            for (int p = 0; p < tileM; p++, i++) {
                if (i < pixels) {
                    src[p] = x0 + y * rowStep + x * colStep;
                    base[p] = (image * pixels + i) * cout;
                } else {
                    src[p] = src[p - 1];
                    base[p] = -1;
                }
                if (++x == ow) {
                    x = 0;
                    y++;
                }
            }
            tileBlocks(padded, src, steps, packed, 0, panel, paddedBias, output, cout, base, dst, b0,
                    Math.min(b1, blocks), blocks);
        }
    }

    /**
     * One tile's pixels (read at {@code src}, written from {@code base}; -1 for a pixel past the end) through channel
     * blocks {@code [b0, b1)} of {@code blocks}, two at a time; a tile with no steps (a phase no tap reaches) writes
     * zeros. Shared by forward and backward-data, which differ only in what the pixels and weights are.
     */
    private static void tileBlocks(float[] in, int[] src, int[] steps, float[] packed, int packedBase, int panel,
                                   float[] bias, float[] out, int channels, int[] base, int[] dst, int b0, int b1,
                                   int blocks) {
        int tileM = src.length;
        for (int b = b0; b < b1; b += 2) {
            for (int p = 0; p < tileM; p++) {
                dst[p] = base[p] < 0 ? -1 : base[p] + b * LANES;
            }
            int lanesA = Math.min(LANES, channels - b * LANES);
            int lanesB = b + 1 < blocks ? Math.min(LANES, channels - (b + 1) * LANES) : 0;
            if (steps.length == 0) {
                zeroPixels(out, dst, lanesA + lanesB);
            } else if (b + 1 < blocks) {
                ConvMicroKernels.tile2x6(in, src, steps, steps.length, packed, packedBase + b * panel,
                        packedBase + (b + 1) * panel, bias, b * LANES, (b + 1) * LANES, out, dst, lanesA, lanesB);
            } else if (tileM == SINGLE_PIXELS) {
                ConvMicroKernels.tile1x12(in, src, steps, steps.length, packed, packedBase + b * panel, bias,
                        b * LANES, out, dst, lanesA);
            } else {
                ConvMicroKernels.tile1x6(in, src, steps, steps.length, packed, packedBase + b * panel, bias,
                        b * LANES, out, dst, lanesA);
            }
        }
    }

    @Override
    public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
        checkLengths(g, "gradInput", gradInput, g.inputSize(), "weight", weight, "gradOutput", gradOutput, null, null);
        ConvScratch s = scratch.get();
        int cin = g.inChannels();
        int cout = g.outChannels();
        int blocks = blocks(cin);
        int tileM = blocks == 1 ? SINGLE_PIXELS : PAIR_PIXELS;
        ConvPhases phases = new ConvPhases(g);
        float[] packed = WeightPacking.backwardData(g, phases, weight, s.packedWeights(phases.packedLength()));
        float[] zeroBias = s.zeros(blocks * LANES);
        int phaseCount = phases.count();
        int tiles = 0;
        for (int phase = 0; phase < phaseCount; phase++) {
            tiles = Math.max(tiles, ceilDiv(phases.keptGrid(phase).length, tileM));
        }
        // As in forward: a task per image pads its gradOutput into its own buffer and runs every phase on it.
        // As in forward, a 1x1 convolution without padding reads gradOutput where it is.
        boolean direct = phases.readsDirectly();
        boolean perImage = chunksPerImage(g.batch(), tiles) == 1 && !direct;
        int chunks = perImage ? 1 : chunksPerImage(g.batch() * phaseCount, tiles);
        float[] batchPadded = direct ? gradOutput
                : perImage ? null : s.gradOutput(phases.bufferLength(g.batch()));
        int imageStride = direct ? g.outHeight() * g.outWidth() * cout : phases.imageLength();
        if (!perImage && !direct) {
            Parallel.forEach(g.batch(), n -> phases.fill(gradOutput, n, batchPadded, n * phases.imageLength()));
        }
        Parallel.forEach(perImage ? g.batch() : g.batch() * phaseCount * chunks, task -> {
            if (perImage) {
                float[] padded = scratch.get().image(phases.imageLength());
                phases.fill(gradOutput, task, padded, 0);
                for (int phase = 0; phase < phaseCount; phase++) {
                    backwardDataTiles(g, phases, phase, task, padded, 0, 0, 1, tileM, packed, zeroBias, gradInput);
                }
            } else {
                int chunk = task % chunks;
                int phase = (task / chunks) % phaseCount;
                int n = task / chunks / phaseCount;
                backwardDataTiles(g, phases, phase, n, batchPadded, n * imageStride, chunk, chunks,
                        tileM, packed, zeroBias, gradInput);
            }
        });
    }

    /**
     * Backward-data tiles of chunk {@code chunk} of {@code chunks} of one phase of image {@code n}, whose padded
     * gradOutput is at x0.
     */
    private static void backwardDataTiles(ConvGeometry g, ConvPhases phases, int phase, int n, float[] padded, int x0,
                                          int chunk, int chunks, int tileM, float[] packed, float[] zeroBias,
                                          float[] gradInput) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int blocks = blocks(cin);
        int[] steps = phases.steps(phase);
        int panel = steps.length * LANES;
        int packedBase = phases.packedOffset(phase);
        int[] grid = phases.keptGrid(phase);
        int[] pixels = phases.keptInput(phase);
        int tiles = ceilDiv(grid.length, tileM);
        int t0 = Parallel.chunkStart(tiles, chunks, chunk);
        int t1 = Parallel.chunkStart(tiles, chunks, chunk + 1);
        int[] src = new int[tileM];
        int[] base = new int[tileM];
        int[] dst = new int[tileM];
        int imageBase = n * g.inHeight() * g.inWidth();
        // Tiles outer, channel blocks inner, as in forward.
        for (int t = t0; t < t1; t++) {
            for (int p = 0, i = t * tileM; p < tileM; p++, i++) {
                if (i < grid.length) {
                    src[p] = x0 + grid[i] * cout;
                    base[p] = (imageBase + pixels[i]) * cin;
                } else {
                    src[p] = src[p - 1];
                    base[p] = -1;
                }
            }
            tileBlocks(padded, src, steps, packed, packedBase, panel, zeroBias, gradInput, cin, base, dst, 0, blocks,
                    blocks);
        }
    }

    @Override
    public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
        checkLengths(g, "input", input, g.inputSize(), "gradWeight", gradWeight, "gradOutput", gradOutput,
                gradBias, "gradBias");
        ConvScratch s = scratch.get();
        WeightGradientPlan plan = new WeightGradientPlan(g, gradBias != null);
        float[] grad = plan.channelPaddedGradOutput(gradOutput, s);
        float[] partials = s.partials(plan.partialsLength());
        if (plan.padsPerBand(Parallel.threads())) {
            // Each task pads its bands into its own buffer and uses them while they are in L2.
            Parallel.forEach(plan.chunks(), chunk -> plan.accumulateChunk(chunk, input, grad, partials,
                    scratch.get().image(plan.bandBufferLength())));
        } else {
            float[] x = plan.paddedInput(input, s);
            Parallel.forEach(plan.chunks() * plan.groups(), task -> plan.accumulate(task / plan.groups(),
                    task % plan.groups(), x, grad, partials));
        }
        Parallel.forEach(plan.blocks(), block -> plan.reduce(block, partials, gradWeight, gradBias));
    }

    /** How many blocks of LANES cover {@code channels}. */
    static int blocks(int channels) {
        return ceilDiv(channels, LANES);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Splits each image's tiles so that small batches still give every thread several tasks. */
    private static int chunksPerImage(int images, int tiles) {
        int wanted = ceilDiv(4 * Parallel.threads(), images);
        return Math.max(1, Math.min(wanted, tiles));
    }

    private static void zeroPixels(float[] out, int[] dst, int lanes) {
        for (int d : dst) {
            if (d >= 0) {
                Arrays.fill(out, d, d + lanes, 0f);
            }
        }
    }

    private static void checkLengths(ConvGeometry g, String inName, float[] in, int inSize, String weightName,
                                     float[] weight, String outName, float[] out, float[] bias, String biasName) {
        requireLength(g, inName, in, inSize);
        requireLength(g, weightName, weight, g.weightSize());
        requireLength(g, outName, out, g.outputSize());
        if (bias != null) {
            requireLength(g, biasName, bias, g.outChannels());
        }
        long padded = (long) g.batch() * (g.inHeight() + 2L * g.padHeight() + SINGLE_PIXELS)
                * (g.inWidth() + 2L * g.padWidth() + SINGLE_PIXELS) * Math.max(g.inChannels(), g.outChannels());
        if (padded > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("conv2d: the padded work buffer of " + g + " would exceed 2^31 floats;"
                    + " split the batch");
        }
    }

    private static void requireLength(ConvGeometry g, String name, float[] array, int needed) {
        if (array == null) {
            throw new IllegalArgumentException("conv2d: " + name + " is null (" + g + ")");
        }
        if (array.length < needed) {
            throw new IllegalArgumentException("conv2d: " + name + " has " + array.length + " values, needs "
                    + needed + " for " + g);
        }
    }
}
