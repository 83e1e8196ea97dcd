package org.resnet4j.spark;

/**
 * A worker cannot take part in the run for a reason that trying again would not change: the workers built different
 * models, a worker cannot reach its ring neighbour, or a record of the input is malformed. The driver stops the run at once on it, instead of restarting
 * the segment from its checkpoint as it does after other failures.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class WorkerSetupException extends RuntimeException {
    public WorkerSetupException(String message) {
        super(message);
    }

    public WorkerSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
