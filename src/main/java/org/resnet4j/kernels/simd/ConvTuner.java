package org.resnet4j.kernels.simd;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, per pass, shape and thread count, the fastest of the tiles {@link ConvTiling} lists as candidates, timed on
 * the first calls: calls take the candidates in turn, {@link #WARM_UP_ROUNDS} rounds compile them, the next
 * {@link #TIMED_ROUNDS} are timed, and from then on every call runs the one with the lowest minimum time (another
 * process on the machine only ever adds time to a call, so the minimum is the figure it disturbs least: on a machine
 * busy with other jobs, the median of three picked a one-block backward-data tile that ran 1.16 ms per call where
 * the best ran 0.87). A training
 * run calls each of its shapes tens of thousands of times, so the first dozen calls are cheap to spend; and since no
 * tile changes a sum ({@link ConvTiling}), which tile runs which call never shows in the results.
 *
 * <p>{@code -Dresnet4j.convTiles=default} turns timing off: every call runs {@link ConvTiling}'s default for its
 * shape (for measurements that must not move with the machine's load).
 *
 * @param <T> the tile type of the pass
 */
final class ConvTuner<T> {
    static final int WARM_UP_ROUNDS = 2;
    static final int TIMED_ROUNDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ConvTuner.class);
    private static final boolean TIMING = !"default".equals(
            System.getProperty("resnet4j.convTiles", "auto").trim().toLowerCase(Locale.ROOT));

    private record Key(String pass, ConvGeometry g, int threads) {
    }

    private final ConcurrentHashMap<Key, Trial<T>> trials = new ConcurrentHashMap<>();

    /**
     * Runs {@code body} with the tile for {@code pass} on {@code g}: the one already chosen, or the next candidate to
     * time (the first of {@code candidates} is the default, used when only one is listed or timing is off).
     */
    void run(String pass, ConvGeometry g, Supplier<List<T>> candidates, Consumer<T> body) {
        if (!TIMING) {
            body.accept(candidates.get().get(0));
            return;
        }
        Trial<T> trial = trials.computeIfAbsent(new Key(pass, g, Parallel.threads()),
                key -> new Trial<>(key, candidates.get()));
        T chosen = trial.chosen;
        if (chosen != null) {
            body.accept(chosen);
            return;
        }
        int call = trial.claim();
        if (call < 0) {
            // Every timed call has been handed out but not all have reported: run the default meanwhile.
            body.accept(trial.candidates.get(0));
            return;
        }
        T tile = trial.candidates.get(call % trial.candidates.size());
        long start = System.nanoTime();
        body.accept(tile);
        trial.report(call, System.nanoTime() - start);
    }

    /** The tile chosen for {@code pass} on {@code g} at the current thread count, or null while timing. */
    T chosen(String pass, ConvGeometry g) {
        Trial<T> trial = trials.get(new Key(pass, g, Parallel.threads()));
        return trial == null ? null : trial.chosen;
    }

    /** The timing of one (pass, shape, threads): call i runs candidate {@code i % k} in round {@code i / k}. */
    private static final class Trial<T> {
        private final Key key;
        private final List<T> candidates;
        private final long[][] nanos;
        private int handedOut;
        private int reported;
        private volatile T chosen;

        Trial(Key key, List<T> candidates) {
            this.key = key;
            this.candidates = List.copyOf(candidates);
            this.nanos = new long[candidates.size()][TIMED_ROUNDS];
            if (candidates.size() == 1) {
                chosen = candidates.get(0);
            }
        }

        synchronized int claim() {
            int calls = candidates.size() * (WARM_UP_ROUNDS + TIMED_ROUNDS);
            return handedOut < calls ? handedOut++ : -1;
        }

        synchronized void report(int call, long time) {
            int k = candidates.size();
            int round = call / k - WARM_UP_ROUNDS;
            if (round < 0) {
                return;
            }
            nanos[call % k][round] = time;
            if (++reported < k * TIMED_ROUNDS) {
                return;
            }
            int best = 0;
            double[] minima = new double[k];
            for (int c = 0; c < k; c++) {
                minima[c] = Arrays.stream(nanos[c]).min().orElseThrow() / 1e6;
                if (minima[c] < minima[best]) {
                    best = c;
                }
            }
            chosen = candidates.get(best);
            LOG.debug("conv tiles: {} {} on {} threads: {} (minimum ms {} for {})", key.pass(), key.g(), key.threads(),
                    chosen, Arrays.toString(minima), candidates);
        }
    }
}
