package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.ResidualBlock;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.KernelSets;

/**
 * Single blocks against torchvision's (fixtures/models/block_*.safetensors, made by
 * src/test/python/make_model_fixtures.py): a BasicBlock 8 -> 16 with stride 2 and an option-B projection
 * ({@code downsample.0/1}), and a v1.5 Bottleneck 16 -> 8 -> 32 with stride 2 and a projection. Training-mode
 * output, gradient of the input for the fixture's upstream gradient, every parameter gradient, running statistics
 * after the training pass, and the eval-mode output (with the fixture's random running statistics).
 */
class PyTorchBlocksTest {
    /** Outputs and running statistics: three convolutions deep at most. */
    private static final double FORWARD_TOL = 1e-4;
    /** Gradients: weight gradients sum N*H*W products, batch norm backward subtracts two means. */
    private static final double GRAD_TOL = 1e-3;
    /** Fixture tensors that are not part of the block's state dict. */
    private static final String[] NOT_STATE = {"input", "output", "grad", "after_forward."};

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"block_basic_projection, scalar", "block_basic_projection, simd",
        "block_bottleneck, scalar", "block_bottleneck, simd"})
    void blockMatchesTorchvision(String fixture, String kernelSet) throws IOException {
        TorchReference ref = TorchReference.fixture(fixture);
        Kernels kernels = KernelSets.named(kernelSet);
        int stride = Integer.parseInt(ref.file().metadataValue("stride"));
        int in = Integer.parseInt(ref.file().metadataValue("in_channels"));
        ResidualBlock block = fixture.equals("block_basic_projection")
                ? new BasicBlock(kernels, in, Integer.parseInt(ref.file().metadataValue("out_channels")), stride,
                        ShortcutOption.B, false)
                : new Bottleneck(kernels, in, Integer.parseInt(ref.file().metadataValue("planes")), stride,
                        ShortcutOption.B, false, false);
        StateDicts.load(block, ref.file(), NOT_STATE);
        String what = fixture + " [" + kernelSet + "]";
        Tensor input = ref.nchw("input");

        block.zeroGrad();
        Tensor output = block.forward(input, true);
        ref.check(what, "output", output, FORWARD_TOL);
        Tensor gradInput = block.backward(ref.nchw("grad_output").toLayout(Layout.NHWC));
        ref.check(what, "grad_input", gradInput, GRAD_TOL);
        int compared = ref.checkGradients(what, block, GRAD_TOL);
        assertEquals(block.parameters().size(), compared);
        ref.checkBuffers(what, block, "after_forward.", FORWARD_TOL, 1);

        // Eval mode from the fixture's own (random) running statistics, not those the training pass just updated.
        StateDicts.load(block, ref.file(), NOT_STATE);
        ref.check(what, "output_eval", block.forward(input, false), FORWARD_TOL);
    }
}
