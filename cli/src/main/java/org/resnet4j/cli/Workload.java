package org.resnet4j.cli;

import org.resnet4j.models.Architecture;
import org.resnet4j.models.MemoryEstimate;
import org.resnet4j.models.ModelOptions;

/**
 * The network, batch and mode of the command running on this thread, announced by the commands that take a
 * {@code --batch} once they have parsed it, so that {@link Main} can say what a batch needs if the heap runs out. The
 * announcement is per thread (a command runs on the thread that called {@link Main#run}) and {@link Main} clears it.
 *
 * @param training whether the batch trains (forward and backward) or only infers
 */
record Workload(Architecture architecture, ModelOptions options, int imageSize, int batch, boolean training) {
    private static final ThreadLocal<Workload> CURRENT = new ThreadLocal<>();

    /** Records {@code workload} as what this thread's command is about to run. */
    static void announce(Workload workload) {
        CURRENT.set(workload);
    }

    /** What this thread's command announced, or null; forgets it. */
    static Workload takeAnnounced() {
        Workload workload = CURRENT.get();
        CURRENT.remove();
        return workload;
    }

    MemoryEstimate estimate() {
        return MemoryEstimate.of(architecture, options, imageSize, batch);
    }

    /** The bytes this workload needs in {@code estimate}: training's or inference's. */
    long need(MemoryEstimate estimate) {
        return training ? estimate.trainingBytes() : estimate.inferenceBytes();
    }
}
