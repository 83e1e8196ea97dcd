package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.kernels.simd.ConvTiling.PixelTile;

/**
 * The forward pass on packed weights ({@link SimdConvolution} describes the method): pads the input into
 * {@link ConvForwardPlanes}, then runs register tiles of {@code tile.pixels} kept output pixels over every channel
 * block.
 */
final class ConvForward {
    private ConvForward() {
    }

    static void run(ConvGeometry g, float[] input, float[] packed, float[] bias, float[] output, PixelTile tile,
                    ConvScratch s, ScratchPool<ConvScratch.Task> tasks) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int blocks = ConvTiling.blocks(cout);
        ConvForwardPlanes planes = ConvForwardPlanes.forInput(g);
        // Tiles run over the kept pixels only, in output order, skipping the grid's padding columns.
        int pixels = g.outHeight() * g.outWidth();
        int tiles = ConvTiling.ceilDiv(pixels, tile.pixels);
        int taps = g.kernelHeight() * g.kernelWidth();
        int groups = ConvTiling.ceilDiv(blocks, tile.maxBlocks);
        // Deep layers on small images (ResNet-50's last stage: up to 9 MB of weights against a 7x7 image) hold more
        // weights than input. There a task takes a range of channel-block groups and runs every tile through one
        // group at a time, so the group's weight panels stay in cache instead of the whole weight set streaming from
        // memory once per tile. Each output is computed by the same sums either way, so the results are the same bits.
        boolean weightsOuter = groups > 1
                && (long) blocks * taps * cin * LANES > (long) g.inHeight() * g.inWidth() * cin;
        int chunks = SimdConvolution.chunksPerImage(g.batch(), weightsOuter ? groups : tiles);
        // With a task per image, each task pads its image into its own buffer and convolves it while it is in L2;
        // otherwise (small batches, split images) the whole batch is padded first.
        // A 1x1 convolution without padding reads the input where it is: tiles read only kept pixels, so no
        // padding is needed (the copy cost 15-20% of a 1x1 with 64 output channels).
        boolean direct = g.kernelHeight() == 1 && g.kernelWidth() == 1 && g.padHeight() == 0 && g.padWidth() == 0;
        boolean perImage = chunks == 1 && !direct;
        float[] batchPadded = direct ? input : perImage ? null : s.input(planes.bufferLength(g.batch()));
        if (!perImage && !direct) {
            // In row bands, so a batch smaller than the pool (batch-1 inference) pads on every thread.
            int rows = planes.paddedRows();
            int bands = Math.min(rows, ConvTiling.ceilDiv(2 * Parallel.threads(), g.batch()));
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
        int rowStep = direct ? g.strideHeight() * g.inWidth() * cin : planes.width() * planes.pixelStride();
        int imageStride = direct ? g.inHeight() * g.inWidth() * cin : planes.imageLength();
        Parallel.forEach(g.batch() * chunks, task -> {
            int n = task / chunks;
            int chunk = task % chunks;
            if (!perImage) {
                tiles(new TileRun(tile, batchPadded, steps, packed, panel, paddedBias, output, blocks, cout, pixels,
                        g.outWidth(), n * imageStride, rowStep, colStep, n),
                        chunk, chunks, weightsOuter, groups, tiles);
                return;
            }
            ConvScratch.Task own = tasks.take();
            try {
                float[] padded = own.image(planes.imageLength());
                planes.fill(input, n, padded, 0);
                tiles(new TileRun(tile, padded, steps, packed, panel, paddedBias, output, blocks, cout, pixels,
                        g.outWidth(), 0, rowStep, colStep, n), chunk, chunks, weightsOuter, groups, tiles);
            } finally {
                tasks.giveBack(own);
            }
        });
    }

    /** Chunk {@code chunk} of {@code chunks} of one image's tiles, or of its channel-block groups. */
    private static void tiles(TileRun run, int chunk, int chunks, boolean weightsOuter, int groups, int tiles) {
        int maxBlocks = run.tile.maxBlocks;
        int first = Parallel.chunkStart(weightsOuter ? groups : tiles, chunks, chunk);
        int end = Parallel.chunkStart(weightsOuter ? groups : tiles, chunks, chunk + 1);
        if (weightsOuter) {
            for (int group = first; group < end; group++) {
                for (int t = 0; t < tiles; t++) {
                    run.tile(t, group * maxBlocks, (group + 1) * maxBlocks);
                }
            }
        } else {
            // Tiles outer, channel blocks inner: a tile's input stays in L1 across the blocks, and the weights
            // (at most a few hundred KB here) stay in L2.
            for (int t = first; t < end; t++) {
                run.tile(t, 0, run.blocks);
            }
        }
    }

    /** One task's forward tiles: where a tile's pixels are read and written. */
    private static final class TileRun {
        private final PixelTile tile;
        private final float[] padded;
        private final int[] steps;
        private final float[] packed;
        private final int panel;
        private final float[] paddedBias;
        private final float[] output;
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

        TileRun(PixelTile tile, float[] padded, int[] steps, float[] packed, int panel, float[] paddedBias,
                float[] output, int blocks, int cout, int pixels, int ow, int x0, int rowStep, int colStep,
                int image) {
            this.tile = tile;
            this.padded = padded;
            this.steps = steps;
            this.packed = packed;
            this.panel = panel;
            this.paddedBias = paddedBias;
            this.output = output;
            this.blocks = blocks;
            this.cout = cout;
            this.pixels = pixels;
            this.ow = ow;
            this.x0 = x0;
            this.rowStep = rowStep;
            this.colStep = colStep;
            this.image = image;
            this.src = new int[tile.pixels];
            this.base = new int[tile.pixels];
            this.dst = new int[tile.pixels];
        }

        /** Output pixels {@code [t*M, (t+1)*M)} of the image, channel blocks {@code [b0, min(b1, blocks))}. */
        void tile(int t, int b0, int b1) {
            int tileM = tile.pixels;
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
            ConvTiles.pixels(tile, padded, src, steps, packed, 0, panel, paddedBias, output, cout, base, dst, b0,
                    Math.min(b1, blocks));
        }
    }
}
