package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Prometheus buckets (value <= bound, cumulative), and the images-per-second window. */
class HistogramTest {
    @Test
    void bucketsCountValuesUpToTheirBoundCumulatively() {
        Histogram histogram = new Histogram(1, 2, 4);
        for (double value : new double[] {0.5, 1, 1.5, 2, 3, 4, 4.5, 100}) {
            histogram.observe(value);
        }
        Histogram.Snapshot snapshot = histogram.snapshot();

        assertArrayEquals(new long[] {2, 4, 6, 8}, snapshot.cumulative());
        assertEquals(8, snapshot.count());
        assertEquals(116.5, snapshot.sum());
    }

    /** A snapshot is a value: equal counts compare equal, and writing to what it hands out changes nothing. */
    @Test
    void snapshotsAreValues() {
        Histogram histogram = new Histogram(1, 2);
        histogram.observe(1.5);
        Histogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(snapshot, histogram.snapshot());
        assertEquals(snapshot.hashCode(), histogram.snapshot().hashCode());
        assertEquals("Snapshot[bounds=[1.0, 2.0], cumulative=[0, 1, 1], sum=1.5]", snapshot.toString());

        snapshot.cumulative()[1] = 9;
        snapshot.bounds()[0] = 9;
        assertArrayEquals(new long[] {0, 1, 1}, snapshot.cumulative());
        assertArrayEquals(new double[] {1, 2}, snapshot.bounds());

        long[] counts = {0, 1, 1};
        Histogram.Snapshot built = new Histogram.Snapshot(new double[] {1, 2}, counts, 1.5);
        counts[2] = 7;
        assertEquals(snapshot, built, "the constructor keeps a copy");
        assertThrows(IllegalArgumentException.class, () -> new Histogram.Snapshot(new double[] {1}, counts, 0));
    }

    /**
     * A scrape while values arrive sees its buckets, count and sum cover the same observations: of ones, the sum is the
     * count. (Counting first and adding to the sum after, a snapshot caught values counted but not summed.)
     */
    @Test
    void snapshotsWhileValuesArriveAgree() throws InterruptedException {
        Histogram histogram = new Histogram(0.5, 2);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> observers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            observers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    histogram.observe(1);
                }
            }));
        }
        try {
            long last = 0;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                Histogram.Snapshot snapshot = histogram.snapshot();
                long[] cumulative = snapshot.cumulative();
                assertEquals(0, cumulative[0], "no value is 0.5 or less");
                assertEquals(snapshot.count(), cumulative[1], "every value is 2 or less");
                assertEquals(snapshot.count(), snapshot.sum(), "the sum of ones is their count");
                assertTrue(snapshot.count() >= last, "counts never go back");
                last = snapshot.count();
            }
        } finally {
            stop.set(true);
            for (Thread observer : observers) {
                observer.join();
            }
        }
        Histogram.Snapshot after = histogram.snapshot();
        assertEquals(after.count(), after.sum());
        assertEquals(after, histogram.snapshot(), "a snapshot takes nothing away");
    }

    @Test
    void boundsMustIncrease() {
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(2, 1));
    }

    @Test
    void batchSizeBucketsArePowersOfTwoAndTheLargestBatch() {
        assertArrayEquals(new double[] {1, 2, 4, 8, 16, 32}, new BatchMetrics(32).batchSizes().bounds());
        assertArrayEquals(new double[] {1, 2, 4, 5}, new BatchMetrics(5).batchSizes().bounds());
        assertArrayEquals(new double[] {1}, new BatchMetrics(1).batchSizes().bounds());
    }

    @Test
    void rateCountsWholeSecondsOnlyOverTheLastTen() {
        long second = 1_000_000_000L;
        RateWindow window = new RateWindow(0);
        window.add(30, second / 2);
        assertEquals(0, window.perSecond(second / 2), "no whole second yet");
        window.add(10, second + 1);
        assertEquals(30, window.perSecond(second + 2), "second 0 only; second 1 is in progress");
        assertEquals(20, window.perSecond(2 * second), "seconds 0 and 1");
        window.add(100, 15 * second);
        assertEquals(0, window.perSecond(15 * second + 5), "seconds 5 to 14 saw nothing");
        assertEquals(10, window.perSecond(16 * second), "seconds 6 to 15");
        assertEquals(0, window.perSecond(30 * second), "all old");
    }
}
