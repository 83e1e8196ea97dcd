package org.resnet4j.cli;

import org.resnet4j.models.MemoryEstimate;

/**
 * The one line {@link Main} prints, in place of an {@code OutOfMemoryError} trace, when a command runs out of heap: the
 * network and batch, what they need (from {@link MemoryEstimate}) against what the JVM may use, and the two fixes, a
 * smaller {@code --batch} or more heap.
 */
final class OutOfMemoryMessage {
    /**
     * What the estimate leaves out and the heap must still hold: the data set and the loader's batches, the kernels'
     * scratch, the collector's room to work. A round figure, added to the need in the suggested {@code -Xmx}.
     */
    static final long HEADROOM_BYTES = 1L << 30;

    private OutOfMemoryMessage() {
    }

    /**
     * The line for {@code workload} (null when the command announced none) in a JVM that may use {@code maxHeapBytes}.
     * Call once the failed command's objects are unreachable: counting takes a little heap of its own.
     */
    static String of(Workload workload, long maxHeapBytes) {
        MemoryEstimate estimate = null;
        if (workload != null) {
            try {
                estimate = workload.estimate();
            } catch (OutOfMemoryError | RuntimeException e) {
                // Not even the count fits (or the command's values cannot run at all): the line goes without figures.
            }
        }
        return format(workload, estimate, maxHeapBytes);
    }

    /** The line from its parts; {@code workload} or {@code estimate} may be null. */
    static String format(Workload workload, MemoryEstimate estimate, long maxHeapBytes) {
        String allowed = "the JVM may use " + ByteSizes.of(maxHeapBytes);
        if (workload == null) {
            return "out of memory (" + allowed + "): give the JVM more heap (JAVA_OPTS=-Xmx<size> ./resnet4j ...)";
        }
        int size = workload.imageSize();
        String what = workload.architecture().name() + (workload.training() ? " training" : " inference")
                + " at batch " + workload.batch() + " (" + size + "x" + size + " images)";
        if (estimate == null) {
            return "out of memory: " + what + ", " + allowed + ": use a smaller --batch, or give the JVM more heap "
                    + "(JAVA_OPTS=-Xmx<size> ./resnet4j ...); 'summary --model " + workload.architecture().name()
                    + " --batch " + workload.batch() + "' states what a batch needs";
        }
        long need = workload.need(estimate);
        StringBuilder line = new StringBuilder("out of memory: ").append(what).append(" needs about ")
                .append(ByteSizes.of(need)).append(" of heap, ").append(allowed).append(": use a smaller --batch");
        int half = workload.batch() / 2;
        // Batch norm trains only on two images or more.
        if (half >= (workload.training() ? 2 : 1)) {
            line.append(" (").append(half).append(" needs about ")
                    .append(ByteSizes.of(workload.need(estimate.withBatch(half)))).append(')');
        }
        return line.append(", or give the JVM more heap (JAVA_OPTS=")
                .append(ByteSizes.heapOption(need + HEADROOM_BYTES)).append(" ./resnet4j ...)").toString();
    }
}
