package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.simd.SimdConvolution;
import org.resnet4j.testing.KernelSets;

/**
 * The checking facade {@link Kernels} puts in front of both implementations: a bad argument gets the same message,
 * naming the kernel, the argument, its length and what was needed, whichever set runs.
 */
class CheckedKernelsTest {
    private static final ConvGeometry CONV = ConvGeometry.square(1, 3, 4, 4, 4, 3, 1, 1);

    /** {@code call} fails on the scalar and on the SIMD set with one message holding every fragment. */
    private static void rejectedAlike(Consumer<Kernels> call, String... fragments) {
        List<String> messages = KernelSets.both()
                .map(k -> assertThrows(IllegalArgumentException.class, () -> call.accept(k), k.name()).getMessage())
                .toList();
        assertEquals(messages.get(0), messages.get(1), "scalar and SIMD");
        for (String fragment : fragments) {
            assertTrue(messages.get(0).contains(fragment), messages.get(0) + " should mention " + fragment);
        }
    }

    @Test
    void convolutionArraysAreCheckedAgainstTheGeometry() {
        float[] weight = new float[CONV.weightSize()];
        rejectedAlike(k -> k.convolution().forward(CONV, new float[CONV.inputSize() - 1], weight, null,
                new float[CONV.outputSize()]), "conv2d forward: input has 47 values, needs 48 for ConvGeometry[");
        rejectedAlike(k -> k.convolution().forward(CONV, new float[CONV.inputSize()], weight, new float[3],
                new float[CONV.outputSize()]), "conv2d forward: bias has 3 values, needs 4");
        rejectedAlike(k -> k.convolution().packForward(CONV, new float[5]), "conv2d packForward: weight has 5");
        rejectedAlike(k -> k.convolution().backwardData(CONV, new float[CONV.outputSize()], weight, null),
                "conv2d backwardData: gradInput is null (ConvGeometry[");
        rejectedAlike(k -> k.convolution().backwardWeights(CONV, new float[CONV.inputSize()],
                new float[CONV.outputSize()], new float[CONV.weightSize()], new float[1]),
                "conv2d backwardWeights: gradBias has 1 values, needs 4");
        rejectedAlike(k -> k.convolution().forward(null, new float[1], weight, null, new float[1]),
                "conv2d forward: the geometry is null");
    }

    /** Each implementation packs to its own length (the SIMD one pads channels to whole vectors): the facade asks. */
    @Test
    void packedWeightsAreCheckedAgainstTheImplementationsPacking() {
        KernelSets.both().forEach(k -> {
            float[] packed = k.convolution().packForward(CONV, new float[CONV.weightSize()]);
            int length = k.convolution().packedForwardLength(CONV);
            assertEquals(length, packed.length, k.name());
            k.convolution().forwardPacked(CONV, new float[CONV.inputSize()], packed, null,
                    new float[CONV.outputSize()]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.convolution().forwardPacked(CONV, new float[CONV.inputSize()], new float[length - 1], null,
                            new float[CONV.outputSize()]));
            assertTrue(e.getMessage().startsWith("conv2d forwardPacked: packed weight has " + (length - 1)
                    + " values, needs " + length + " for ConvGeometry["), e.getMessage());
        });
    }

    @Test
    void batchNormNeedsTwoRowsAndPerChannelArrays() {
        float[] four = new float[4];
        rejectedAlike(k -> k.batchNorm().forwardTraining(1, 4, four, four, four, 1e-5f, 0.1f, four, four, four, four,
                four), "batch norm forwardTraining", "more than 1 value per channel", "1 row");
        rejectedAlike(k -> k.batchNorm().forwardInference(2, 4, new float[8], four, new float[3], four, four, 1e-5f,
                new float[8]), "batch norm forwardInference: beta has 3 values, needs 4 for 2 rows x 4 channels");
        rejectedAlike(k -> k.batchNorm().backward(2, 4, new float[8], new float[7], four, four, four, new float[8],
                four, four), "batch norm backward: gradY has 7 values, needs 8");
    }

    @Test
    void labelsAndSmoothingAreCheckedWithIndexAndValue() {
        float[] logits = new float[30];
        float[] probs = new float[30];
        rejectedAlike(k -> k.loss().softmaxCrossEntropyForward(3, 10, logits, new int[] {1, 2, 10}, 0f, probs),
                "softmax cross-entropy forward", "label at index 2 is 10, outside the 10 classes");
        rejectedAlike(k -> k.loss().softmaxCrossEntropyBackward(3, 10, probs, new int[] {-1, 2, 3}, 0f,
                new float[30]), "softmax cross-entropy backward", "index 0", "-1");
        rejectedAlike(k -> k.loss().softmaxCrossEntropyForward(3, 10, logits, new int[] {1, 2, 3}, 1.5f, probs),
                "label smoothing", "1.5");
        rejectedAlike(k -> k.loss().softmaxCrossEntropyForward(3, 10, logits, new int[] {1, 2}, 0f, probs),
                "labels has 2 values, needs 3");
    }

    @Test
    void shortcutOnlyAddsChannels() {
        rejectedAlike(k -> k.shortcut().subsampleZeroPadForward(1, 16, 2, 2, 8, 2, new float[64], new float[8]),
                "option-A shortcut forward", "16 -> 8");
        // A 3x3 image at stride 2 keeps 2x2 pixels: y needs 2 * 2 * 2 values.
        rejectedAlike(k -> k.shortcut().subsampleZeroPadForward(1, 1, 3, 3, 2, 2, new float[9], new float[7]),
                "option-A shortcut forward: y has 7 values, needs 8");
        rejectedAlike(k -> k.shortcut().subsampleZeroPadBackward(1, 1, 3, 3, 2, 0, new float[8], new float[9]),
                "stride 0");
    }

    @Test
    void elementwiseLinearAndPoolingArraysAreChecked() {
        rejectedAlike(k -> k.elementwise().add(5, new float[5], new float[4], new float[5]),
                "add: b has 4 values, needs 5 for length 5");
        rejectedAlike(k -> k.elementwise().reluForward(-1, new float[1], new float[1]), "relu forward", "-1");
        rejectedAlike(k -> k.elementwise().sgdUpdate(3, new float[3], new float[3], null, 0.1f, 0.9f, 0f, false),
                "sgd update: velocity is null");
        rejectedAlike(k -> k.linear().forward(2, 3, 4, new float[6], new float[11], null, new float[8]),
                "linear forward: weight has 11 values, needs 12 for batch 2, in 3, out 4");
        rejectedAlike(k -> k.linear().backward(2, 3, 4, new float[6], new float[12], new float[8], new float[5],
                new float[12], null), "linear backward: gradX has 5 values, needs 6");
        PoolGeometry pool = new PoolGeometry(1, 2, 4, 4, 2, 2, 0);
        rejectedAlike(k -> k.pooling().maxPoolForward(pool, new float[32], new float[8], new int[7]),
                "max pool forward: argmax has 7 values, needs 8 for PoolGeometry[");
        rejectedAlike(k -> k.pooling().globalAvgPoolBackward(2, 9, 3, new float[6], new float[53]),
                "global average pool backward: gradX has 53 values, needs 54");
    }

    /** A geometry whose arrays could not exist is refused before an int product wraps round and passes a check. */
    @Test
    void geometriesBeyondTheLargestArrayAreRefused() {
        IllegalArgumentException conv = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.square(65536, 64, 32, 32, 64, 3, 1, 1));
        assertTrue(conv.getMessage().contains("input") && conv.getMessage().contains("largest Java array"),
                conv.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoolGeometry(65536, 64, 32, 32, 3, 2, 1));
    }

    /** The SIMD convolution's own guard: its padded work buffers, which the facade cannot size, must fit an array. */
    @Test
    void simdWorkBuffersBeyondTheLargestArrayAreRefused() {
        // The input (40,000 x 40,000) fits an array; padded by a 40,000 stride it does not.
        ConvGeometry g = new ConvGeometry(1, 1, 40_000, 40_000, 2, 1, 1, 40_000, 40_000, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SimdConvolution().forward(g, new float[0], new float[0], null, new float[0]));
        // One image is already too large: splitting the batch would not help, and the message no longer says it would.
        assertTrue(e.getMessage().contains("work buffer of one image") && e.getMessage().contains("2^31 floats"),
                e.getMessage());
    }

    @Test
    void aSetRebuiltFromCheckedFamiliesIsNotCheckedTwice() {
        Kernels checked = KernelProvider.scalar();
        Kernels rebuilt = new Kernels("again", 0, checked.convolution(), checked.batchNorm(), checked.elementwise(),
                checked.pooling(), checked.linear(), checked.loss(), checked.shortcut());
        assertSame(checked.convolution(), rebuilt.convolution());
        assertSame(checked.loss(), rebuilt.loss());
    }
}
