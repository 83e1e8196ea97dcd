package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.kernels.simd.ConvTiling.PixelTile;

/**
 * The backward-data pass ({@link SimdConvolution} describes the method): pads gradOutput into
 * {@link ConvBackwardDataPhases}, then runs each phase's kept pixels through register tiles over every input-channel
 * block, on weights packed per phase.
 */
final class ConvBackwardData {
    private ConvBackwardData() {
    }

    static void run(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput, PixelTile tile,
                    ConvScratch s, ScratchPool<ConvScratch.Task> tasks) {
        int cout = g.outChannels();
        int blocks = ConvTiling.blocks(g.inChannels());
        ConvBackwardDataPhases phases = new ConvBackwardDataPhases(g);
        float[] packed = WeightPacking.backwardData(g, phases, weight, s.packedWeights(phases.packedLength()));
        float[] zeroBias = s.zeros(blocks * LANES);
        int phaseCount = phases.count();
        int tiles = 0;
        for (int phase = 0; phase < phaseCount; phase++) {
            tiles = Math.max(tiles, ConvTiling.ceilDiv(phases.keptGrid(phase).length, tile.pixels));
        }
        // As in forward: a task per image pads its gradOutput into its own buffer and runs every phase on it.
        // As in forward, a 1x1 convolution without padding reads gradOutput where it is.
        boolean direct = phases.readsDirectly();
        boolean perImage = SimdConvolution.chunksPerImage(g.batch(), tiles) == 1 && !direct;
        int chunks = perImage ? 1 : SimdConvolution.chunksPerImage(g.batch() * phaseCount, tiles);
        float[] batchPadded = direct ? gradOutput
                : perImage ? null : s.gradOutput(phases.bufferLength(g.batch()));
        int imageStride = direct ? g.outHeight() * g.outWidth() * cout : phases.imageLength();
        if (!perImage && !direct) {
            Parallel.forEach(g.batch(), n -> phases.fill(gradOutput, n, batchPadded, n * phases.imageLength()));
        }
        Parallel.forEach(perImage ? g.batch() : g.batch() * phaseCount * chunks, task -> {
            if (perImage) {
                ConvScratch.Task own = tasks.take();
                try {
                    float[] padded = own.image(phases.imageLength());
                    phases.fill(gradOutput, task, padded, 0);
                    for (int phase = 0; phase < phaseCount; phase++) {
                        tiles(g, phases, phase, task, padded, 0, 0, 1, tile, packed, zeroBias, gradInput);
                    }
                } finally {
                    tasks.giveBack(own);
                }
            } else {
                int chunk = task % chunks;
                int phase = (task / chunks) % phaseCount;
                int n = task / chunks / phaseCount;
                tiles(g, phases, phase, n, batchPadded, n * imageStride, chunk, chunks, tile, packed, zeroBias,
                        gradInput);
            }
        });
    }

    /** The tiles of chunk {@code chunk} of {@code chunks} of one phase of image {@code n}, padded gradOutput at x0. */
    private static void tiles(ConvGeometry g, ConvBackwardDataPhases phases, int phase, int n, float[] padded, int x0,
                              int chunk, int chunks, PixelTile tile, float[] packed, float[] zeroBias,
                              float[] gradInput) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int blocks = ConvTiling.blocks(cin);
        int tileM = tile.pixels;
        int[] steps = phases.steps(phase);
        int panel = steps.length * LANES;
        int packedBase = phases.packedOffset(phase);
        int[] grid = phases.keptGrid(phase);
        int[] pixels = phases.keptInput(phase);
        int tiles = ConvTiling.ceilDiv(grid.length, tileM);
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
            ConvTiles.pixels(tile, padded, src, steps, packed, packedBase, panel, zeroBias, gradInput, cin, base, dst,
                    0, blocks);
        }
    }
}
