package org.resnet4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.simd.ConvTiling.PixelTile;
import org.resnet4j.kernels.simd.ConvTiling.WeightTile;
import org.resnet4j.testing.ConvTestShapes;
import org.resnet4j.testing.RandomArrays;

/**
 * Every register tile gives the same bits as every other on the parity shapes, so that the tiling (chosen per CPU
 * and per shape, by timing) never changes a result: exact resume and thread-count independence hold whichever runs.
 * All tiles run here, also those that do not fit this CPU's registers (they spill, but compute the same).
 */
class ConvTilingTest {
    private final SimdConvolution conv = new SimdConvolution();

    static Stream<ConvGeometry> shapes() {
        return ConvTestShapes.parity().stream();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyPixelTileGivesTheSameForwardBits(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 11L);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] packed = conv.packForward(g, RandomArrays.uniform(random, g.weightSize()));
        float[] bias = RandomArrays.uniform(random, g.outChannels());
        for (float[] b : new float[][] {bias, null}) {
            float[] expected = new float[g.outputSize()];
            conv.convolve(g, input, packed, b, expected, PixelTile.P2X6);
            for (PixelTile tile : PixelTile.values()) {
                float[] actual = RandomArrays.uniform(random, g.outputSize()); // must be overwritten
                conv.convolve(g, input, packed, b, actual, tile);
                assertArrayEquals(expected, actual, "forward " + tile + " " + g + (b == null ? " without bias" : ""));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyPixelTileGivesTheSameBackwardDataBits(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 12L);
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] expected = new float[g.inputSize()];
        conv.backwardData(g, gradOutput, weight, expected, PixelTile.P2X6);
        for (PixelTile tile : PixelTile.values()) {
            float[] actual = RandomArrays.uniform(random, g.inputSize()); // must be overwritten, zeros included
            conv.backwardData(g, gradOutput, weight, actual, tile);
            assertArrayEquals(expected, actual, "backwardData " + tile + " " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyWeightTileGivesTheSameBits(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 13L);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] initialWeight = RandomArrays.uniform(random, g.weightSize());
        float[] initialBias = RandomArrays.uniform(random, g.outChannels());
        float[] expectedWeight = initialWeight.clone();
        float[] expectedBias = initialBias.clone();
        conv.backwardWeights(g, input, gradOutput, expectedWeight, expectedBias, WeightTile.W2X5);
        for (WeightTile tile : WeightTile.values()) {
            float[] actualWeight = initialWeight.clone();
            float[] actualBias = initialBias.clone();
            conv.backwardWeights(g, input, gradOutput, actualWeight, actualBias, tile);
            assertArrayEquals(expectedWeight, actualWeight, "gradWeight " + tile + " " + g);
            assertArrayEquals(expectedBias, actualBias, "gradBias " + tile + " " + g);
        }
    }

    /** The public passes (default or timed tiles) give the bits of the 16-register tiles too. */
    @ParameterizedTest
    @MethodSource("shapes")
    void publicPassesGiveTheSameBitsAsAnyTile(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 14L);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] viaTile = new float[g.outputSize()];
        conv.convolve(g, input, conv.packForward(g, weight), null, viaTile, PixelTile.P1X12);
        float[] gradViaTile = new float[g.inputSize()];
        conv.backwardData(g, gradOutput, weight, gradViaTile, PixelTile.P1X12);
        float[] weightViaTile = new float[g.weightSize()];
        conv.backwardWeights(g, input, gradOutput, weightViaTile, null, WeightTile.W1X24);
        // As many calls as there are tiles, so that the timed passes run each candidate at least once.
        for (int call = 0; call < PixelTile.values().length; call++) {
            float[] output = new float[g.outputSize()];
            conv.forward(g, input, weight, null, output);
            assertArrayEquals(viaTile, output, "forward call " + call + " " + g);
            float[] gradInput = new float[g.inputSize()];
            conv.backwardData(g, gradOutput, weight, gradInput);
            assertArrayEquals(gradViaTile, gradInput, "backwardData call " + call + " " + g);
            float[] gradWeight = new float[g.weightSize()];
            conv.backwardWeights(g, input, gradOutput, gradWeight, null);
            assertArrayEquals(weightViaTile, gradWeight, "backwardWeights call " + call + " " + g);
        }
    }

    /** Timing ends with a choice among the candidates, and every call on the way gives the same bits. */
    @Test
    void timedPassesSettleOnACandidateWithoutChangingResults() {
        ConvGeometry g = ConvGeometry.square(3, 64, 8, 8, 64, 3, 1, 1);
        SplittableRandom random = new SplittableRandom(5);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        SimdConvolution timed = new SimdConvolution();
        float[] firstOutput = null;
        float[] firstGradWeight = null;
        List<PixelTile> pixelTiles = ConvTiling.pixelCandidates(ConvTiling.blocks(64));
        List<WeightTile> weightTiles = ConvTiling.weightCandidates(ConvTiling.blocks(64));
        int calls = Math.max(pixelTiles.size(), weightTiles.size())
                * (ConvTuner.WARM_UP_ROUNDS + ConvTuner.TIMED_ROUNDS);
        for (int call = 0; call < calls; call++) {
            float[] output = new float[g.outputSize()];
            timed.forward(g, input, weight, null, output);
            float[] gradWeight = new float[g.weightSize()];
            timed.backwardWeights(g, input, gradOutput, gradWeight, null);
            if (firstOutput == null) {
                firstOutput = output;
                firstGradWeight = gradWeight;
            }
            assertArrayEquals(firstOutput, output, "forward call " + call);
            assertArrayEquals(firstGradWeight, gradWeight, "backwardWeights call " + call);
        }
        if (!"default".equals(System.getProperty("resnet4j.convTiles"))) {
            assertTrue(pixelTiles.contains(timed.pixelTiles.chosen("forward", g)));
            assertTrue(weightTiles.contains(timed.weightTiles.chosen("backwardWeights", g)));
        }
    }

    @Test
    void candidatesFitTheRegistersAndStartWithTheDefault() {
        for (int blocks = 1; blocks <= 12; blocks++) {
            List<PixelTile> pixels = ConvTiling.pixelCandidates(blocks);
            assertEquals(ConvTiling.defaultPixelTile(blocks), pixels.get(0), blocks + " blocks");
            assertEquals(pixels.size(), Set.copyOf(pixels).size(), "no tile twice");
            for (PixelTile tile : pixels) {
                assertTrue(tile.registers() <= ConvTiling.REGISTERS, tile + " fits " + ConvTiling.REGISTERS);
            }
            List<WeightTile> weights = ConvTiling.weightCandidates(blocks);
            assertEquals(ConvTiling.defaultWeightTile(blocks), weights.get(0), blocks + " blocks");
            for (WeightTile tile : weights) {
                assertTrue(tile.registers() <= ConvTiling.REGISTERS, tile + " fits " + ConvTiling.REGISTERS);
            }
        }
        if (ConvTiling.REGISTERS >= 32) {
            // 4x6 is the default from four blocks, 2x8 for two, 1x16 for one; the 16-register tiles and the other wide
            // ones are timed beside them.
            assertEquals(List.of(PixelTile.P4X6, PixelTile.P2X6, PixelTile.P2X12, PixelTile.P2X8),
                    ConvTiling.pixelCandidates(4));
            assertEquals(List.of(PixelTile.P2X8, PixelTile.P2X6, PixelTile.P2X12), ConvTiling.pixelCandidates(2));
            assertEquals(List.of(PixelTile.P1X16, PixelTile.P1X12, PixelTile.P1X24), ConvTiling.pixelCandidates(1));
            assertEquals(List.of(WeightTile.W2X5, WeightTile.W4X6, WeightTile.W2X12), ConvTiling.weightCandidates(4));
            // At two blocks 4x6 makes 2x12 calls, as W2X12 does: one of them is timed.
            assertEquals(List.of(WeightTile.W2X5, WeightTile.W4X6), ConvTiling.weightCandidates(2));
        } else {
            // 16 registers: today's tiles only, nothing to time.
            assertEquals(List.of(PixelTile.P2X6), ConvTiling.pixelCandidates(4));
            assertEquals(List.of(PixelTile.P1X12), ConvTiling.pixelCandidates(1));
            assertEquals(List.of(WeightTile.W2X5), ConvTiling.weightCandidates(4));
        }
    }
}
