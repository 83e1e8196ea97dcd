package org.resnet4j.data;

import java.util.SplittableRandom;

/**
 * Counter-based seeding: a random stream for a tuple (seed, purpose, a, b) with no state to carry. This is what makes
 * the loader's position the whole of its state — the stream for epoch e, image i is recomputed from scratch.
 *
 * <p>Public so that other loaders (the Spark module's per-worker shards) draw the same epoch orders as
 * {@link BatchLoader}.
 *
 * <p>Stateless: safe to call from several threads at once ({@link #permutation} on arrays no other call writes).
 */
public final class Seeds {
    /** Purposes, so the split, the shuffles and the augmentation never share a stream. */
    public static final long SPLIT = 1;
    public static final long SHUFFLE = 2;
    public static final long AUGMENT = 3;

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private Seeds() {
    }

    /** A generator determined by the tuple; different tuples give unrelated streams. */
    public static SplittableRandom random(long seed, long purpose, long a, long b) {
        long key = mix(seed + GOLDEN_GAMMA * purpose);
        key = mix(key + GOLDEN_GAMMA * a);
        key = mix(key + GOLDEN_GAMMA * b);
        return new SplittableRandom(key);
    }

    /**
     * The 64-bit finalizer of SplitMix64 (Steele, Lea and Flood, 2014): a bijection that spreads every input bit over
     * the output. SplittableRandom(s) and SplittableRandom(s + gamma) would give shifted copies of one stream, so
     * seeds are mixed first.
     */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Fills {@code order} with a uniformly random permutation of {@code 0 .. order.length - 1} (Fisher–Yates). */
    public static void permutation(int[] order, SplittableRandom random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
