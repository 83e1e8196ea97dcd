package org.resnet4j.cli;

import java.io.PrintStream;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.MemoryEstimate;
import org.resnet4j.models.ModelSummary;
import org.resnet4j.models.ResNet;

/**
 * {@code summary --model NAME [--classes N] [--image-size S] [--shortcut A|B|C] [--batch 128]}: the layer table, the
 * heap a batch needs as {@code memory_training_bytes=<n> memory_inference_bytes=<n>} (see {@link MemoryEstimate} for
 * what is counted), and last {@code params=<n> macs=<n>}, the line other programs read as the last one.
 */
final class SummaryCommand {
    /** train's default batch, the paper's for CIFAR. */
    private static final int DEFAULT_BATCH = 128;

    private SummaryCommand() {
    }

    static int run(String[] argv, PrintStream out) {
        Arguments args = Arguments.parse("summary", argv, 1, ModelArguments.SWITCHES);
        ResNet model = ModelArguments.parse(args, "resnet20").build();
        int defaultSize = model.architecture().family() == Architecture.Family.CIFAR ? 32 : 224;
        int size = args.integer("image-size", defaultSize, 1, Arguments.MAX_IMAGE_SIZE);
        int batch = args.integer("batch", DEFAULT_BATCH, 1);
        args.rejectUnknown();
        if (model.architecture().family() == Architecture.Family.IMAGENET && size < 32) {
            throw new UsageException("summary: ImageNet-family models need --image-size >= 32, got " + size);
        }
        String table = ModelSummary.of(model, 3, size).format();
        MemoryEstimate memory = MemoryEstimate.of(model, size, batch);
        // The readable line and the machine-readable counts go above the params line, which stays the last line.
        int paramsLine = table.lastIndexOf("params=");
        out.print(table.substring(0, paramsLine));
        out.printf("memory at batch %d (%dx%d images): training %s (activations %s, gradient buffers %s), inference %s%n",
                batch, size, size, ByteSizes.of(memory.trainingBytes()),
                ByteSizes.of(memory.trainingActivationBytes()), ByteSizes.of(memory.gradientBufferBytes()),
                ByteSizes.of(memory.inferenceBytes()));
        out.println("memory_training_bytes=" + memory.trainingBytes() + " memory_inference_bytes="
                + memory.inferenceBytes());
        out.print(table.substring(paramsLine));
        return 0;
    }
}
