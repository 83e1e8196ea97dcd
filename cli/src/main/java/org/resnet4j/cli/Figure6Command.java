package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.train.Checkpoint;
import org.resnet4j.train.Figure6Plot;
import org.resnet4j.train.MetricsLog;
import org.resnet4j.train.MetricsRow;
import org.resnet4j.train.TrainedWeights;

/**
 * {@code figure6 --run DIR [--run DIR ...] --output figure6.png}: the paper's Figure 6 from training runs' directories
 * (their {@code metrics.csv}; the model's name from their checkpoint): plain networks on the left, residual ones on the
 * right. One line per run: {@code run=<dir> model=<name> iterations=<n> train_error=<percent>%}, the training error of
 * its last evaluation.
 */
final class Figure6Command {
    private Figure6Command() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("figure6", argv, 1, Set.of(), Set.of("run"));
        List<Path> runs = args.all("run").stream().map(Path::of).toList();
        Path output = args.path("output");
        args.rejectUnknown();
        Map<String, List<MetricsRow>> plain = new LinkedHashMap<>();
        Map<String, List<MetricsRow>> residual = new LinkedHashMap<>();
        Map<String, Path> runOfLabel = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (Path run : runs) {
            Path checkpoint = Checkpoint.path(run);
            if (!Files.exists(run.resolve(MetricsLog.CSV)) || !Files.exists(checkpoint)) {
                throw new IllegalArgumentException(run + ": not a training run (no " + MetricsLog.CSV + " and "
                        + checkpoint.getFileName() + ")");
            }
            String model = SafeTensors.read(checkpoint).metadataValue(TrainedWeights.MODEL);
            MetricsLog log = new MetricsLog(run, model);
            log.reload(Long.MAX_VALUE);
            List<MetricsRow> rows = log.rows();
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(run + ": " + MetricsLog.CSV + " has no evaluations yet");
            }
            boolean isPlain = model.startsWith("plain");
            String label = (isPlain ? "plain-" : "ResNet-") + model.replaceAll("\\D", "");
            // One line per label: a second run of the network would replace the first in the figure, unseen.
            Path earlier = runOfLabel.putIfAbsent(label, run);
            if (earlier != null) {
                throw new IllegalArgumentException(run + ": a second run of " + model + " (the first is " + earlier
                        + "); the figure draws one line per network, so give each network's run once");
            }
            (isPlain ? plain : residual).put(label, rows);
            MetricsRow last = rows.getLast();
            lines.add(String.format(Locale.ROOT, "run=%s model=%s iterations=%d train_error=%.2f%%", run, model,
                    last.iteration(), last.trainError() * 100));
        }
        lines.forEach(out::println);
        Figure6Plot.write(plain, residual, output);
        out.println("figure=" + output);
        return 0;
    }
}
