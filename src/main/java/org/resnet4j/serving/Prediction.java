package org.resnet4j.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * The most probable classes of one image, best first.
 *
 * <p>Immutable (the list is copied in); safe to share between threads.
 */
public record Prediction(List<ClassScore> top) {
    public Prediction {
        top = List.copyOf(top);
    }

    /**
     * The {@code k} classes of highest softmax probability, ranked by logit as {@code torch.topk} ranks them (equal
     * logits by the lower index, so the order is always the same). Probabilities are {@code exp(l_i - max) / sum_j exp(l_j - max)} in double, rounded to float once;
     * {@code StrictMath.exp}, so the bits are the same on every JVM and in the interpreter as in compiled code.
     *
     * @throws IllegalStateException if a logit is NaN or infinite (no probability can be given)
     */
    public static Prediction of(float[] logits, Labels labels, int k) {
        if (logits.length != labels.size()) {
            throw new IllegalArgumentException(logits.length + " logits for " + labels.size() + " labels");
        }
        if (k < 1 || k > logits.length) {
            throw new IllegalArgumentException("k must be in [1, " + logits.length + "], got " + k);
        }
        float[] probabilities = softmax(logits);
        // Selection, not a sort: k is small (5 by default) next to the classes (up to 1000). Ranked by logit, not by
        // the rounded probability: far below the best class, distinct logits round to equal probabilities (0 at last).
        boolean[] taken = new boolean[logits.length];
        List<ClassScore> top = new ArrayList<>(k);
        for (int rank = 0; rank < k; rank++) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!taken[i] && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            top.add(new ClassScore(best, labels.name(best), probabilities[best]));
        }
        return new Prediction(top);
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                throw new IllegalStateException("the network produced a non-finite logit");
            }
            max = Math.max(max, logit);
        }
        double[] exp = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            exp[i] = StrictMath.exp(logits[i] - max);
            sum += exp[i];
        }
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = (float) (exp[i] / sum);
        }
        return probabilities;
    }
}
