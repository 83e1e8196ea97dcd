package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.kernels.simd.ConvTiling.WeightTile;

/**
 * The work split of one backward-weights pass. With the input zero-padded to {@code [N][Hp][Wp][Cin]}, kernel row
 * {@code kh} and output pixel {@code (oh, ow)} see the {@code E = KW*Cin} values {@code e = kw*Cin + ci}
 * contiguously at {@code ((oh*sh + kh)*Wp + ow*sw)*Cin + e}, so
 * <pre>  gradWeight[co][ci][kh][kw] += sum_{n,oh,ow} gradOutput[n,oh,ow,co] * x[n, oh*sh+kh, ow*sw, e]</pre>
 * is, per {@code kh}, the product of a {@code co x pixels} and a {@code pixels x e} matrix, tiled by the
 * {@link ConvTiling.WeightTile} it is given ({@code L = LANES}).
 *
 * <p>Output rows are cut into bands of about {@link #BAND_BYTES} of data (so a band stays in L2 while every tile
 * sweeps it), and bands into a fixed number of chunks that depends only on the shape. Chunk {@code k} sums into its
 * own partials {@code [k][coBlock][kh][e][L]} (then {@code [k][coBlock][L]} for the bias), and {@link #reduce} adds
 * the chunks in order: the same result for any thread count. A task is a whole chunk that pads its own bands
 * ({@link #accumulateChunk}) when there are enough chunks for every thread, else a (chunk, group of co blocks) over a
 * batch-wide padded copy ({@link #accumulate}); both run the same sums in the same order, and so does every tile:
 * the bands depend on the shape only.
 */
final class ConvWeightGradientPlan {
    /**
     * Half the 512 KB L2 of the AVX2 machine this was tuned on, a quarter of the AVX-512 machine's 1 MB; 128 KB cut a
     * 14x14x256 image into 4 bands of short kernel calls (slower). The bands decide where the sums are cut, so this is
     * a constant, never read from the machine: results must not depend on the cache size.
     */
    private static final int BAND_BYTES = 256 * 1024;
    private static final int MAX_CHUNKS = 16;
    /** Cap on the floats of all partial sums; large weights get fewer chunks (they have more co blocks to share). */
    private static final int PARTIAL_BUDGET = 4 << 20;

    private final ConvGeometry g;
    private final int cin;
    private final int cout;
    private final int blocks;
    private final int gradChannels;
    private final int e;
    private final int paddedHeight;
    private final int paddedWidth;
    private final boolean readInputDirectly;
    private final int bandRows;
    private final int bandsPerImage;
    private final int bands;
    private final int chunks;
    private final int chunkLength;
    /** Offset of band pixel {@code r*OW + col} from the band's first input value: the kernels' x table. */
    private final int[] pixelOffsets;
    private final boolean withBias;
    private final WeightTile tile;
    /** Spare floats after a padded buffer's data, for a tile's reads past the last e of the last row. */
    private final int slack;

    ConvWeightGradientPlan(ConvGeometry g, boolean withBias, WeightTile tile) {
        this.g = g;
        this.withBias = withBias;
        this.tile = tile;
        this.slack = ConvTiling.slack(tile);
        cin = g.inChannels();
        cout = g.outChannels();
        blocks = ConvTiling.blocks(cout);
        gradChannels = cout % LANES == 0 ? cout : blocks * LANES;
        e = g.kernelWidth() * cin;
        paddedHeight = g.inHeight() + 2 * g.padHeight();
        paddedWidth = g.inWidth() + 2 * g.padWidth();
        // Unpadded input is read in place when no call reads past a row's e values (so none past the array).
        boolean whole = true;
        for (int b = 1; b <= tile.maxBlocks; b++) {
            whole &= e % tile.width(tile.group(b)) == 0;
        }
        readInputDirectly = g.padHeight() == 0 && g.padWidth() == 0 && whole;
        // In long: at 2^30 floats an int row size wrapped around to 0 (division by zero).
        long bytesPerRow = 4L * ((long) g.outWidth() * gradChannels + (long) g.strideHeight() * paddedWidth * cin);
        bandRows = (int) Math.max(1, Math.min(g.outHeight(), BAND_BYTES / bytesPerRow));
        bandsPerImage = ConvTiling.ceilDiv(g.outHeight(), bandRows);
        bands = g.batch() * bandsPerImage;
        pixelOffsets = new int[bandRows * g.outWidth()];
        for (int r = 0; r < bandRows; r++) {
            for (int col = 0; col < g.outWidth(); col++) {
                pixelOffsets[r * g.outWidth() + col] =
                        (r * g.strideHeight() * paddedWidth + col * g.strideWidth()) * cin;
            }
        }
        chunkLength = WeightPacking.arrayLength("weight-gradient partial sums", g,
                (long) blocks * LANES * ((long) g.kernelHeight() * e + 1));
        chunks = Math.max(1, Math.min(Math.min(bands, MAX_CHUNKS), PARTIAL_BUDGET / chunkLength));
    }

    /** The backward-weights pass: sums per chunk on {@code tile}, then the chunks added in order. */
    static void run(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias,
                    WeightTile tile, ConvScratch s, ScratchPool<ConvScratch.Task> tasks) {
        ConvWeightGradientPlan plan = new ConvWeightGradientPlan(g, gradBias != null, tile);
        float[] grad = plan.channelPaddedGradOutput(gradOutput, s);
        float[] partials = s.partials(plan.partialsLength());
        if (plan.padsPerBand(Parallel.threads())) {
            // Each task pads its bands into its own buffer and uses them while they are in L2.
            Parallel.forEach(plan.chunks, chunk -> {
                ConvScratch.Task own = tasks.take();
                try {
                    plan.accumulateChunk(chunk, input, grad, partials, own);
                } finally {
                    tasks.giveBack(own);
                }
            });
        } else {
            float[] x = plan.paddedInput(input, s);
            int groups = plan.groups();
            Parallel.forEach(plan.chunks * groups, task -> {
                ConvScratch.Task own = tasks.take();
                try {
                    plan.accumulate(task / groups, task % groups, x, grad, partials, own);
                } finally {
                    tasks.giveBack(own);
                }
            });
        }
        Parallel.forEach(plan.blocks, block -> plan.reduce(block, partials, gradWeight, gradBias));
    }

    /** Tasks per chunk: groups of up to {@code tile.maxBlocks} co blocks. */
    private int groups() {
        return ConvTiling.ceilDiv(blocks, tile.maxBlocks);
    }

    private int partialsLength() {
        return chunks * chunkLength;
    }

    /** The input, zero-padded to {@code [N][Hp][Wp][Cin]} plus slack, unless it can be read as it is. */
    private float[] paddedInput(float[] input, ConvScratch scratch) {
        if (readInputDirectly) {
            return input;
        }
        int imageLength = paddedHeight * paddedWidth * cin;
        float[] x = scratch.input(Math.addExact(Math.multiplyExact(g.batch(), imageLength), slack));
        Parallel.forEach(g.batch(), n -> padRows(input, n, 0, paddedHeight, x, n * imageLength));
        int end = g.batch() * imageLength;
        Arrays.fill(x, end, end + slack, 0f);
        return x;
    }

    /** gradOutput with channels padded to whole blocks (zeros), unless they already are. */
    private float[] channelPaddedGradOutput(float[] gradOutput, ConvScratch scratch) {
        if (gradChannels == cout) {
            return gradOutput;
        }
        int pixels = g.batch() * g.outHeight() * g.outWidth();
        float[] padded = scratch.gradOutput(WeightPacking.arrayLength("channel-padded gradOutput", g,
                (long) pixels * gradChannels));
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(gradOutput, p * cout, padded, p * gradChannels, cout);
            Arrays.fill(padded, p * gradChannels + cout, (p + 1) * gradChannels, 0f);
        }
        return padded;
    }

    private int partialIndex(int chunk, int block, int kh, int ei) {
        return (((chunk * blocks + block) * g.kernelHeight() + kh) * e + ei) * LANES;
    }

    private int biasIndex(int chunk, int block) {
        return chunks * blocks * g.kernelHeight() * e * LANES + (chunk * blocks + block) * LANES;
    }

    /** Whether tasks are whole chunks that pad their own bands (enough chunks to keep every thread busy). */
    private boolean padsPerBand(int threads) {
        return chunks >= 2 * threads && !readInputDirectly;
    }

    /** Floats of one band's padded input rows, plus slack for the reads past the last (kw, ci) value. */
    private int bandBufferLength() {
        return ((bandRows - 1) * g.strideHeight() + g.kernelHeight()) * paddedWidth * cin + slack;
    }

    /** Task (chunk): every co block's sums over this chunk, each band padded into a buffer of its own first. */
    private void accumulateChunk(int chunk, float[] input, float[] grad, float[] partials, ConvScratch.Task scratch) {
        float[] band = scratch.image(bandBufferLength());
        for (int group = 0; group < groups(); group++) {
            clearPartials(chunk, group, partials);
        }
        int firstBand = Parallel.chunkStart(bands, chunks, chunk);
        int endBand = Parallel.chunkStart(bands, chunks, chunk + 1);
        for (int b = firstBand; b < endBand; b++) {
            int n = b / bandsPerImage;
            int y0 = (b % bandsPerImage) * bandRows;
            int rows = Math.min(g.outHeight(), y0 + bandRows) - y0;
            padRows(input, n, y0 * g.strideHeight(), (rows - 1) * g.strideHeight() + g.kernelHeight(), band, 0);
            for (int group = 0; group < groups(); group++) {
                accumulateBand(chunk, group, n, y0, rows, band, 0, grad, partials, scratch);
            }
        }
    }

    /** Task (chunk, group): this chunk's sums for the co blocks of group {@code group}. */
    private void accumulate(int chunk, int group, float[] x, float[] grad, float[] partials, ConvScratch.Task scratch) {
        clearPartials(chunk, group, partials);
        int firstBand = Parallel.chunkStart(bands, chunks, chunk);
        int endBand = Parallel.chunkStart(bands, chunks, chunk + 1);
        for (int b = firstBand; b < endBand; b++) {
            int n = b / bandsPerImage;
            int y0 = (b % bandsPerImage) * bandRows;
            int rows = Math.min(g.outHeight(), y0 + bandRows) - y0;
            int xBand = ((n * paddedHeight + y0 * g.strideHeight()) * paddedWidth) * cin;
            accumulateBand(chunk, group, n, y0, rows, x, xBand, grad, partials, scratch);
        }
    }

    private void clearPartials(int chunk, int group, float[] partials) {
        for (int b = group * tile.maxBlocks; b < Math.min(blocks, (group + 1) * tile.maxBlocks); b++) {
            int start = partialIndex(chunk, b, 0, 0);
            Arrays.fill(partials, start, start + g.kernelHeight() * e * LANES, 0f);
            Arrays.fill(partials, biasIndex(chunk, b), biasIndex(chunk, b) + LANES, 0f);
        }
    }

    /**
     * Adds output rows {@code [y0, y0 + rows)} of image {@code n} to the chunk's sums of group {@code group}; the
     * band's first padded input row starts at {@code x[xBand]}. Each kernel call's blocks read the band's gradOutput
     * from a panel of their own ({@link ConvWeightGradKernels}), copied once for every kernel row and e.
     */
    private void accumulateBand(int chunk, int group, int n, int y0, int rows, float[] x, int xBand, float[] grad,
                                float[] partials, ConvScratch.Task scratch) {
        int blockA = group * tile.maxBlocks;
        int blockEnd = Math.min(blocks, blockA + tile.maxBlocks);
        int pixels = rows * g.outWidth();
        int bandGrad = (n * g.outHeight() + y0) * g.outWidth() * gradChannels;
        int partStride = g.kernelHeight() * e * LANES;
        for (int b = blockA, callBlocks; b < blockEnd; b += callBlocks) {
            callBlocks = tile.group(blockEnd - b);
            int width = callBlocks * LANES;
            float[] panel = grad;
            int g0 = bandGrad;
            if (width != gradChannels) {
                panel = scratch.gradPanel(pixels * width);
                g0 = 0;
                for (int q = 0; q < pixels; q++) {
                    System.arraycopy(grad, bandGrad + q * gradChannels + b * LANES, panel, q * width, width);
                }
            }
            for (int kh = 0; kh < g.kernelHeight(); kh++) {
                ConvTiles.weightGrad(tile, x, xBand + kh * paddedWidth * cin, pixelOffsets, pixels, panel, g0,
                        partials, partialIndex(chunk, b, kh, 0), partStride, e, callBlocks);
            }
            if (withBias) {
                for (int k = 0; k < callBlocks; k++) {
                    FloatVector sum = FloatVector.zero(SPECIES);
                    for (int q = 0, gi = g0 + k * LANES; q < pixels; q++, gi += width) {
                        sum = sum.add(FloatVector.fromArray(SPECIES, panel, gi));
                    }
                    int bi = biasIndex(chunk, b + k);
                    FloatVector.fromArray(SPECIES, partials, bi).add(sum).intoArray(partials, bi);
                }
            }
        }
    }

    /** Writes padded rows {@code [row0, row0 + count)} of image {@code n} (data or zeros) at {@code x[base...]}. */
    private void padRows(float[] input, int n, int row0, int count, float[] x, int base) {
        int rowLength = g.inWidth() * cin;
        int left = g.padWidth() * cin;
        int paddedRow = paddedWidth * cin;
        for (int i = 0; i < count; i++) {
            int rowBase = base + i * paddedRow;
            int ih = row0 + i - g.padHeight();
            if (ih < 0 || ih >= g.inHeight()) {
                Arrays.fill(x, rowBase, rowBase + paddedRow, 0f);
                continue;
            }
            Arrays.fill(x, rowBase, rowBase + left, 0f);
            System.arraycopy(input, (n * g.inHeight() + ih) * rowLength, x, rowBase + left, rowLength);
            Arrays.fill(x, rowBase + left + rowLength, rowBase + paddedRow, 0f);
        }
    }

    /**
     * Adds the chunks' partial sums of co block {@code block}, in chunk order, into the gradients. It walks the
     * partials in their own order, a vector of {@code L} co at a time, and writes {@code L} sequential streams of
     * gradWeight: walking gradWeight's order instead read one float per cache line of partials, which made the
     * reduction of a 512-channel 3x3 layer (2.4M weights) cost more than its sums at batch 1.
     */
    private void reduce(int block, float[] partials, float[] gradWeight, float[] gradBias) {
        int kernelHeight = g.kernelHeight();
        int kernelWidth = g.kernelWidth();
        int lanes = Math.min(LANES, cout - block * LANES);
        float[] sums = new float[LANES];
        for (int ci = 0; ci < cin; ci++) {
            for (int kh = 0; kh < kernelHeight; kh++) {
                for (int kw = 0; kw < kernelWidth; kw++) {
                    int ei = kw * cin + ci;
                    FloatVector sum = FloatVector.zero(SPECIES);
                    for (int chunk = 0; chunk < chunks; chunk++) {
                        sum = sum.add(FloatVector.fromArray(SPECIES, partials, partialIndex(chunk, block, kh, ei)));
                    }
                    sum.intoArray(sums, 0);
                    int to = ((block * LANES * cin + ci) * kernelHeight + kh) * kernelWidth + kw;
                    int coStride = cin * kernelHeight * kernelWidth;
                    for (int lane = 0; lane < lanes; lane++) {
                        gradWeight[to + lane * coStride] += sums[lane];
                    }
                }
            }
        }
        if (withBias) {
            for (int lane = 0; lane < lanes; lane++) {
                float sum = 0f;
                for (int chunk = 0; chunk < chunks; chunk++) {
                    sum += partials[biasIndex(chunk, block) + lane];
                }
                gradBias[block * LANES + lane] += sum;
            }
        }
    }
}
