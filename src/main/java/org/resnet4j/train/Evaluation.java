package org.resnet4j.train;

/** Accuracy counting shared by training and evaluation. Stateless: safe to call from several threads at once. */
public final class Evaluation {
    private Evaluation() {
    }

    /** How many rows of {@code logits [batch][classes]} have their largest value at the label (first on ties). */
    public static int countCorrect(float[] logits, int[] labels, int batch, int classes) {
        int correct = 0;
        for (int n = 0; n < batch; n++) {
            int best = 0;
            int row = n * classes;
            for (int c = 1; c < classes; c++) {
                if (logits[row + c] > logits[row + best]) {
                    best = c;
                }
            }
            if (best == labels[n]) {
                correct++;
            }
        }
        return correct;
    }
}
