package org.resnet4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ModelSummary;
import org.resnet4j.models.ResNet;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.TrainingStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench --model NAME --mode train|infer --batch B [--image-size S] [--threads T] [--seconds S]}: warm-up, then
 * timed steps on random data; the last line is exactly {@code images_per_second=<number>} (the median over timed
 * rounds of about one second each).
 */
final class BenchCommand {
    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    private BenchCommand() {
    }

    static int run(String[] argv, PrintStream out) {
        Arguments args = Arguments.parse("bench", argv, 1, ModelArguments.switchesAnd("freeze-backbone"));
        String mode = args.string("mode", "train").toLowerCase(Locale.ROOT);
        if (!mode.equals("train") && !mode.equals("infer")) {
            throw new UsageException("bench: --mode must be train or infer, got '" + mode + "'");
        }
        int batch = args.integer("batch", 128, 1);
        if (args.has("threads")) {
            Parallel.setThreads(args.integer("threads", 1, 1, Arguments.MAX_THREADS));
        }
        double seconds = args.decimal("seconds", 10);
        if (!(seconds > 0)) {
            throw new UsageException("bench: --seconds must be > 0, got " + seconds);
        }
        ResNet model = ModelArguments.parse(args, "resnet20").build();
        int size = args.integer("image-size",
                model.architecture().family() == Architecture.Family.CIFAR ? 32 : 224, 1, Arguments.MAX_IMAGE_SIZE);
        boolean freezeBackbone = args.flag("freeze-backbone");
        args.rejectUnknown();
        if (freezeBackbone && !mode.equals("train")) {
            throw new UsageException("bench: --freeze-backbone times a fine-tuning step (--mode train); inference runs "
                    + "the same whatever trains");
        }
        if (freezeBackbone) {
            // A fine-tuning step: only the classifier trains, so backward stops there.
            model.setTrainable(false);
            model.setTrainable(true, "fc");
        }
        if (mode.equals("train") && batch < 2) {
            throw new UsageException("bench: training needs --batch >= 2 (batch norm statistics)");
        }
        Workload.announce(new Workload(model.architecture(), model.options(), size, batch, mode.equals("train")));

        Kernels kernels = Kernels.active();
        SplittableRandom random = new SplittableRandom(1);
        Tensor images = Tensor.zeros(batch, 3, size, size);
        float[] pixels = images.data();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(model.classes());
        }
        Runnable step;
        if (mode.equals("train")) {
            Sgd sgd = new Sgd(kernels, model.namedParameters(), 0.9, 1e-4, false);
            TrainingStep training = new TrainingStep(model, sgd, kernels, 0f);
            step = () -> training.run(images, labels, 0.01);
        } else {
            // Inference as a deployment runs it (and as PyTorch's frozen TorchScript does): norms folded, weights packed.
            FrozenResNet frozen = model.freeze();
            step = () -> frozen.forward(images);
        }

        long macs = ModelSummary.of(model, 3, size).multiplyAdds();
        // Training is forward, backward-data and backward-weights (3x the forward's work); with a frozen backbone only
        // the forward and the classifier's own backward, about 1x.
        int passes = mode.equals("train") && !freezeBackbone ? 3 : 1;
        double flopsPerImage = 2.0 * macs * passes;
        LOG.info("bench {} {} batch {} at {}x{}, {} threads, kernels {}", model.architecture().name(), mode, batch,
                size, size, Parallel.threads(), kernels.name());

        double warmupEnd = System.nanoTime() + Math.min(seconds * 0.3, 5.0) * 1e9;
        int warmupSteps = 0;
        do {
            step.run();
            warmupSteps++;
        } while (System.nanoTime() < warmupEnd || warmupSteps < 2);

        java.util.List<Double> rates = new java.util.ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline || rates.size() < 3) {
            long roundStart = System.nanoTime();
            int steps = 0;
            do {
                step.run();
                steps++;
            } while (System.nanoTime() - roundStart < 1_000_000_000L);
            double elapsed = (System.nanoTime() - roundStart) / 1e9;
            rates.add(steps * batch / elapsed);
        }
        rates.sort(Double::compare);
        double median = rates.get(rates.size() / 2);
        out.printf(Locale.ROOT, "rounds=%d min=%.2f median=%.2f max=%.2f images/s; %.1f GFLOP/s (%s FLOPs = 2 x %d MACs%s per image)%n",
                rates.size(), rates.get(0), median, rates.get(rates.size() - 1), median * flopsPerImage / 1e9,
                mode, macs, passes == 3 ? " x 3" : "");
        out.printf(Locale.ROOT, "images_per_second=%.2f%n", median);
        return 0;
    }
}
