package org.resnet4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.resnet4j.testing.Refusals.rejects;

import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.simd.ConvTiling.WeightTile;

/**
 * Work buffers whose lengths pass the largest array once channels are padded to whole vectors are refused by name,
 * not computed in int (a wrapped length gave a short or negative buffer, and ArrayIndexOutOfBounds deep in packing).
 * The geometries overflow at any vector width from 4 lanes; nothing here allocates more than a few arrays of 32K.
 */
class ConvBufferLengthTest {

    /** Cin = 2^27, Cout = 1, 3x3 on a 3x3 image: 1.2e9 weights, but 4.8e9 and more once Cout is padded to lanes. */
    private static final ConvGeometry WIDE_IN = new ConvGeometry(1, 1 << 27, 3, 3, 1, 3, 3, 1, 1, 0, 0);

    @Test
    void packedForwardWeightsBeyondOneArrayAreRefused() {
        rejects(() -> WeightPacking.forwardLength(WIDE_IN), "packed weights", "2^31 - 1", "inChannels=134217728");
        rejects(() -> new SimdConvolution().packedForwardLength(WIDE_IN), "packed weights");
    }

    @Test
    void packedBackwardDataWeightsBeyondOneArrayAreRefused() {
        // Refused before any table is built: they would be 4.8 GB here.
        rejects(() -> new ConvBackwardDataPhases(new ConvGeometry(1, 1, 3, 3, 1 << 27, 3, 3, 1, 1, 0, 0)),
                "packed backward-data weights", "outChannels=134217728");
    }

    @Test
    void weightGradientPartialsBeyondOneArrayAreRefused() {
        rejects(() -> new ConvWeightGradientPlan(WIDE_IN, true, WeightTile.W2X5), "partial sums");
    }

    @Test
    void aBandRowOf2To30FloatsIsNoDivisionByZero() {
        // OW * LANES + W * Cin = 8 * LANES + 8 * (2^27 - LANES) = 2^30 floats: 4 * 2^30 bytes was 0 in int.
        ConvGeometry g = new ConvGeometry(1, (1 << 27) - VectorConstants.LANES, 1, 8, 1, 1, 1, 1, 1, 0, 0);
        assertDoesNotThrow(() -> new ConvWeightGradientPlan(g, true, WeightTile.W2X5));
    }

    @Test
    void channelPaddedGradOutputBeyondOneArrayNamesTheGeometry() {
        // 2^29 output pixels of one channel, padded to LANES >= 4: over 2^31. Fails before reading the arrays.
        ConvGeometry g = new ConvGeometry(1, 1, 16384, 32768, 1, 1, 1, 1, 1, 0, 0);
        float[] one = new float[1];
        rejects(() -> ConvWeightGradientPlan.run(g, one, one, one, one, WeightTile.W2X5, new ConvScratch(),
                new ScratchPool<>(ConvScratch.Task::new)), "channel-padded gradOutput", "inHeight=16384");
    }

    @Test
    void workBufferGuardDoesNotWrapAround() {
        // (3 + 3 + s)^2 * 16 for s = 2^30 - 16 is past 2^63: the long product wrapped to a negative size and passed.
        rejects(() -> SimdConvolution.requireWorkBuffersFit(ConvGeometry.square(1, 16, 3, 3, 16, 3, 1073741808, 0)),
                "work buffer", "one image");
    }

    @Test
    void aBatchWhoseImagesFitOneByOneIsToldToSplit() {
        // 65,536 images of 26 x 26 padded pixels of 64 channels: 2.8e9 floats, 43,264 per image.
        rejects(() -> SimdConvolution.requireWorkBuffersFit(ConvGeometry.square(65536, 1, 16, 16, 64, 5, 1, 2)),
                "split the batch");
    }

    @Test
    void aNegativeBufferLengthIsRefusedNotAnsweredWithAnOldBuffer() {
        rejects(() -> new ConvScratch().packedWeights(-256), "-256");
    }
}
