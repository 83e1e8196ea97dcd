package org.resnet4j.cli;

import java.io.PrintStream;
import java.util.Set;
import org.resnet4j.models.ModelSummary;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.Architecture;

/** {@code summary --model NAME [--classes N] [--image-size S] [--shortcut A|B|C]}: the layer table; last line {@code params=<n> macs=<n>}. */
final class SummaryCommand {
    private SummaryCommand() {
    }

    static int run(String[] argv, PrintStream out) {
        Arguments args = Arguments.parse("summary", argv, 1, Set.of("stride-on-first-1x1", "zero-init-residual"));
        ResNet model = ModelArguments.build(args, "resnet20");
        int defaultSize = model.architecture().family() == Architecture.Family.CIFAR ? 32 : 224;
        int size = args.integer("image-size", defaultSize, 1);
        args.rejectUnknown();
        if (model.architecture().family() == Architecture.Family.IMAGENET && size < 32) {
            throw new UsageException("summary: ImageNet-family models need --image-size >= 32, got " + size);
        }
        out.print(ModelSummary.of(model, 3, size).format());
        return 0;
    }
}
