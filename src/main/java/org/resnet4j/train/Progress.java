package org.resnet4j.train;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Throughput and time left, from the steps done in this process (resumed runs add the time already spent). */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final long total;
    private final int batchSize;
    private final double earlierSeconds;
    private final long start = System.nanoTime();
    private long windowStart = System.nanoTime();
    private long windowSteps;
    private double rate;

    Progress(long firstIteration, long total, int batchSize, double earlierSeconds) {
        this.total = total;
        this.batchSize = batchSize;
        this.earlierSeconds = earlierSeconds;
        this.current = firstIteration;
    }

    private long current;

    void stepDone() {
        current++;
        windowSteps++;
        long now = System.nanoTime();
        if (now - windowStart > 5_000_000_000L) {
            rate = windowSteps * batchSize / ((now - windowStart) / 1e9);
            windowStart = now;
            windowSteps = 0;
        }
    }

    double imagesPerSecond() {
        if (rate > 0) {
            return rate;
        }
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        return seconds > 0 ? windowSteps * batchSize / seconds : 0;
    }

    double elapsedSeconds() {
        return earlierSeconds + (System.nanoTime() - start) / 1e9;
    }

    void log(long iteration, int epoch, double loss, double trainError, double lr) {
        double perSecond = imagesPerSecond();
        String eta = perSecond > 0 ? format(Duration.ofSeconds((long) ((total - current) * batchSize / perSecond)))
                : "?";
        LOG.info(String.format("iteration %d/%d epoch %d  loss %.4f  train error %.2f%%  lr %.4g  %.0f images/s  ETA %s",
                iteration, total, epoch, loss, trainError * 100, lr, perSecond, eta));
    }

    static String format(Duration d) {
        long h = d.toHours();
        return h > 0 ? String.format("%dh%02dm", h, d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
