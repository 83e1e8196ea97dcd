package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.nn.SummaryRow;
import org.resnet4j.tensor.Shape;

class ResNetsTest {

    private static ResNet build(String name, ShortcutOption option) {
        ModelOptions options = ModelOptions.defaults(ResNets.defaultClasses(name)).withShortcut(option);
        return ResNets.create(KernelProvider.scalar(), name, options);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "resnet18, 11689512", "resnet34, 21797672", "resnet50, 25557032", "resnet101, 44549160",
        "resnet152, 60192808", "resnet20, 269722", "resnet32, 464154", "resnet44, 658586", "resnet56, 853018",
        "resnet110, 1727962", "resnet1202, 19421274"})
    void parameterCountsEqualThePapersAndTorchvisions(String name, long expected) {
        assertEquals(expected, build(name, null).parameterCount());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({"plain20, resnet20", "plain32, resnet32", "plain44, resnet44", "plain56, resnet56",
        "plain110, resnet110", "plain18, resnet18", "plain34, resnet34"})
    void plainTwinsUnderOptionAHaveTheResidualCounts(String plain, String residual) {
        assertEquals(build(residual, ShortcutOption.A).parameterCount(), build(plain, ShortcutOption.A).parameterCount());
    }

    @Test
    void optionsBAndCAddProjections() {
        long a = build("resnet20", ShortcutOption.A).parameterCount();
        long b = build("resnet20", ShortcutOption.B).parameterCount();
        long c = build("resnet20", ShortcutOption.C).parameterCount();
        // B: two projections, 16->32 and 32->64 (1x1 conv + BN).
        assertEquals(a + (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64), b);
        assertTrue(c > b);
        Map<String, ?> names = build("resnet20", ShortcutOption.B).namedParameters();
        assertTrue(names.containsKey("layer2.0.downsample.0.weight"), names.keySet().toString());
        assertTrue(names.containsKey("layer2.0.downsample.1.bias"));
    }

    @Test
    void namesFollowTorchvisionStateDictKeys() {
        ResNet resnet50 = build("resnet50", null);
        var params = resnet50.namedParameters();
        assertEquals(Shape.of(64, 3, 7, 7), params.get("conv1.weight").shape());
        assertEquals(Shape.of(256, 64, 1, 1), params.get("layer1.0.downsample.0.weight").shape());
        assertEquals(Shape.of(128, 128, 3, 3), params.get("layer2.0.conv2.weight").shape());
        assertEquals(Shape.of(1000, 2048), params.get("fc.weight").shape());
        assertEquals(Shape.of(2048), resnet50.namedBuffers().get("layer4.2.bn3.running_var").shape());
        assertTrue(resnet50.namedCounters().containsKey("bn1.num_batches_tracked"));
        List<String> resnet20 = List.copyOf(build("resnet20", null).namedParameters().keySet());
        assertEquals("conv1.weight", resnet20.get(0));
        assertTrue(resnet20.contains("layer3.2.bn2.bias"));
        assertEquals("fc.bias", resnet20.get(resnet20.size() - 1));
    }

    @Test
    void stageShapesFollowThePaper() {
        ResNet resnet20 = build("resnet20", null);
        Shape in = Shape.of(2, 3, 32, 32);
        var stages = resnet20.children();
        Shape shape = in;
        for (var entry : stages.entrySet()) {
            shape = entry.getValue().outputShape(shape);
            switch (entry.getKey()) {
                case "layer1" -> assertEquals(Shape.of(2, 16, 32, 32), shape);
                case "layer2" -> assertEquals(Shape.of(2, 32, 16, 16), shape);
                case "layer3" -> assertEquals(Shape.of(2, 64, 8, 8), shape);
                case "fc" -> assertEquals(Shape.of(2, 10), shape);
                default -> { }
            }
        }
        ResNet resnet50 = build("resnet50", null);
        shape = Shape.of(1, 3, 224, 224);
        for (var entry : resnet50.children().entrySet()) {
            shape = entry.getValue().outputShape(shape);
            switch (entry.getKey()) {
                case "maxpool" -> assertEquals(Shape.of(1, 64, 56, 56), shape);
                case "layer1" -> assertEquals(Shape.of(1, 256, 56, 56), shape);
                case "layer2" -> assertEquals(Shape.of(1, 512, 28, 28), shape);
                case "layer3" -> assertEquals(Shape.of(1, 1024, 14, 14), shape);
                case "layer4" -> assertEquals(Shape.of(1, 2048, 7, 7), shape);
                default -> { }
            }
        }
        assertEquals(Shape.of(1, 1000), resnet50.outputShape(Shape.of(1, 3, 32, 32)));
    }

    @Test
    void summaryCountsMultiplyAdds() {
        ModelSummary resnet50 = ModelSummary.of(build("resnet50", null), 3, 224);
        assertEquals(4.09e9, resnet50.multiplyAdds(), 0.01e9);
        ModelSummary resnet20 = ModelSummary.of(build("resnet20", null), 3, 32);
        assertEquals(40.6e6, resnet20.multiplyAdds(), 0.1e6);
        String text = resnet20.format();
        String[] lines = text.split("\n");
        assertEquals("params=269722 macs=" + resnet20.multiplyAdds(), lines[lines.length - 1]);
        SummaryRow first = resnet20.rows().get(0);
        assertEquals("conv1", first.name());
        assertTrue(resnet20.rows().stream().anyMatch(r -> r.name().equals("layer2.0.shortcut")));
    }

    /**
     * torchvision's zero_init_residual: gamma 0 on each block's last batch norm (BasicBlock bn2, Bottleneck bn3),
     * never on the projection's batch norm, every other gamma 1.
     */
    @Test
    void zeroInitResidualZeroesEachBranchsLastBatchNormOnly() {
        for (String name : List.of("resnet18", "resnet50")) {
            ResNet model = ResNets.create(KernelProvider.scalar(), name, new ModelOptions(10, null, false, true, 0L));
            String last = name.equals("resnet18") ? ".bn2.weight" : ".bn3.weight";
            int zeroed = 0;
            for (var entry : model.namedParameters().entrySet()) {
                String key = entry.getKey();
                if (!key.endsWith("bn1.weight") && !key.endsWith("bn2.weight") && !key.endsWith("bn3.weight")
                        && !key.endsWith("downsample.1.weight")) {
                    continue;
                }
                boolean isLast = key.startsWith("layer") && key.endsWith(last);
                float expected = isLast ? 0f : 1f;
                for (float v : entry.getValue().value().data()) {
                    assertEquals(expected, v, key);
                }
                zeroed += isLast ? 1 : 0;
            }
            assertEquals(model.blocks().size(), zeroed, name);
        }
    }

    /**
     * A plain network has no residual branch: zeroing each block's last batch norm zeroes the block's output (ReLU of
     * 0), so the logits are fc.bias whatever the image and no gradient reaches anything but fc.bias. That network
     * cannot learn; it is refused instead of trained silently at chance.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"plain20", "plain18"})
    void zeroInitResidualIsRefusedForPlainNetworks(String plain) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResNets.create(
                KernelProvider.scalar(), plain, new ModelOptions(10, null, false, true, 0L)));
        assertTrue(e.getMessage().contains(plain) && e.getMessage().contains("zero-init"), e.getMessage());
    }

    /** Two rows of the same values are equal, whatever arrays they were built from; they print their stages. */
    @Test
    void architecturesCompareByValue() {
        Architecture a = new Architecture("x", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {3, 3, 3}, false);
        Architecture b = new Architecture("x", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {3, 3, 3}, false);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Architecture("x", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {3, 3, 4}, false));
        assertNotEquals(a, new Architecture("x", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {3, 3, 3}, true));
        assertTrue(a.toString().contains("blocksPerStage=[3, 3, 3]"), a.toString());
    }

    @Test
    void unknownNamesAreListed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResNets.architecture("resnet21"));
        assertTrue(e.getMessage().contains("resnet21") && e.getMessage().contains("resnet20"), e.getMessage());
        assertEquals(20, ResNets.architecture("resnet20").depth());
        assertEquals(50, ResNets.architecture("resnet50").depth());
        assertEquals(1202, ResNets.architecture("resnet1202").depth());
    }
}
