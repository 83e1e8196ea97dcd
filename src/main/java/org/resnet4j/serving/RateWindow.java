package org.resnet4j.serving;

import java.util.Arrays;

/**
 * Events per second over the last {@value #SECONDS} whole seconds (fewer just after the start), for a gauge a person
 * can read without a Prometheus server doing {@code rate()}. The second in progress is left out, so the figure never
 * counts a partial second as a whole one.
 */
final class RateWindow {
    static final int SECONDS = 10;

    private final long startNanos;
    private final long[] counts = new long[SECONDS];
    private final long[] secondOfSlot = new long[SECONDS];

    RateWindow(long startNanos) {
        this.startNanos = startNanos;
        Arrays.fill(secondOfSlot, -1);
    }

    synchronized void add(long events, long nowNanos) {
        long second = (nowNanos - startNanos) / 1_000_000_000L;
        int slot = (int) (second % SECONDS);
        if (secondOfSlot[slot] != second) {
            secondOfSlot[slot] = second;
            counts[slot] = 0;
        }
        counts[slot] += events;
    }

    synchronized double perSecond(long nowNanos) {
        long current = (nowNanos - startNanos) / 1_000_000_000L;
        long window = Math.min(SECONDS, current);
        if (window == 0) {
            return 0;
        }
        long total = 0;
        for (int slot = 0; slot < SECONDS; slot++) {
            long second = secondOfSlot[slot];
            if (second >= current - window && second < current) {
                total += counts[slot];
            }
        }
        return (double) total / window;
    }
}
