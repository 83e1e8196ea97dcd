package org.resnet4j.nn;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Detects a second thread entering a module whose training it would corrupt. Any number of inference calls may run at
 * once; a training call ({@code forward(x, true)} or {@code backward}) runs alone. A training step belongs to the thread
 * that ran its forward until that thread runs its backward (or starts the next step): another thread entering before
 * then gets an {@link IllegalStateException} naming the module, never half-updated state.
 */
final class CallGuard {
    private static final int TRAINING = -1;

    private final Supplier<String> moduleName;
    // >= 0: inference calls running; TRAINING: one training call running.
    private final AtomicInteger calls = new AtomicInteger();
    // The thread whose training forward has not yet been followed by its backward; written only while TRAINING.
    private volatile Thread stepOwner;
    // Whether a backward has run since the last completed training forward; written only while TRAINING.
    private volatile boolean backwardDone;
    // Training calls entered and left: odd while one runs. Written only while TRAINING; read by consistent snapshots.
    private volatile long trainingChanges;
    // Snapshots that began and that ended waiting to read the module (Module.readConsistently): a training forward
    // waits at its entry for those that began before it arrived, not for later ones, so snapshots cannot starve it.
    private final AtomicLong snapshotsBegun = new AtomicLong();
    private final AtomicLong snapshotsEnded = new AtomicLong();

    CallGuard(Supplier<String> moduleName) {
        this.moduleName = moduleName;
    }

    void enterInference() {
        while (true) {
            int running = calls.get();
            if (running == TRAINING) {
                throw new IllegalStateException(moduleName.get() + " is inside a training call on another thread; "
                        + "inference would read weights and statistics while they change (freeze a copy to serve "
                        + "while training)");
            }
            if (calls.compareAndSet(running, running + 1)) {
                return;
            }
        }
    }

    void exitInference() {
        calls.decrementAndGet();
    }

    /**
     * Holds a training forward at its entry, before it takes the guard, while snapshots that began before it arrived
     * read the module: a snapshot needs a moment between steps, and a loop that trains back to back leaves none long
     * enough. The wait lasts about one read (a freeze, a state dict), at most {@code patience}; backward and the
     * optimizer step are not held, so the step under way completes and the snapshot reads the network after it.
     * Snapshots that begin later do not hold this forward (no starvation).
     */
    void letSnapshotsRead(Duration patience) {
        long arrivedAfter = snapshotsBegun.get();
        if (snapshotsEnded.get() >= arrivedAfter) {
            return;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (snapshotsEnded.get() < arrivedAfter && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(20_000);
        }
    }

    void snapshotBegins() {
        snapshotsBegun.incrementAndGet();
    }

    void snapshotEnds() {
        snapshotsEnded.incrementAndGet();
    }

    void enterTraining(String call) {
        int running = calls.get();
        if (running != 0 || !calls.compareAndSet(0, TRAINING)) {
            running = calls.get();
            throw new IllegalStateException(moduleName.get() + ": " + call + " on thread '"
                    + Thread.currentThread().getName() + "' while " + (running == TRAINING
                    ? "a training call runs on another thread" : running + " inference call(s) run on other threads")
                    + "; training is single-caller and needs the model alone");
        }
        // Read after taking the guard: the owner is written only while it is held, so this read is current.
        Thread owner = stepOwner;
        if (owner != null && owner != Thread.currentThread() && owner.isAlive()) {
            calls.set(0);
            throw new IllegalStateException(moduleName.get() + ": " + call + " on thread '"
                    + Thread.currentThread().getName() + "' while thread '" + owner.getName()
                    + "' has run a training forward and not yet its backward; training is single-caller");
        }
        trainingChanges = trainingChanges + 1;
        VarHandle.storeStoreFence(); // the call's writes (running statistics) are never seen before its entry is
    }

    /**
     * How many times a training call entered or left: odd while one runs (a training forward updates the running
     * statistics), and different after one ran. See {@link Module#readConsistently}.
     */
    long trainingChanges() {
        return trainingChanges;
    }

    /**
     * Enters a backward: as {@link #enterTraining}, and refused when a backward has already run since the last
     * completed training forward. A second backward of the same forward would add every parameter gradient again
     * (twice the true gradient, silently); PyTorch refuses it too ("backward through the graph a second time"). A
     * module that never trained is let through: its layers say what is missing.
     */
    void enterBackward() {
        enterTraining("backward");
        if (backwardDone) {
            release();
            throw new IllegalStateException(moduleName.get() + ": backward without a training forward since the last "
                    + "backward; each training forward(x, true) is followed by one backward");
        }
    }

    /** @param pendingBackward whether the call was a training forward that completed, so its backward is due */
    void exitTraining(boolean pendingBackward) {
        stepOwner = pendingBackward ? Thread.currentThread() : null;
        if (pendingBackward) {
            backwardDone = false;
        }
        release();
    }

    private void release() {
        trainingChanges = trainingChanges + 1;
        calls.set(0);
    }

    /** Leaves a backward: its forward's step is over, and another backward waits for the next forward. */
    void exitBackward() {
        backwardDone = true;
        exitTraining(false);
    }
}
