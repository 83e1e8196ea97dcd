package org.resnet4j.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one thread pool every kernel shares for intra-op parallelism. The number of threads a kernel call uses defaults
 * to the number of available processors, or {@code -Dresnet4j.threads=N}, or {@link #setThreads(int)} (process-wide);
 * {@link #callWithThreads} sets it for one call and what it runs on its thread only, leaving other callers' as it is.
 *
 * <p>Determinism: {@link #forEach} hands out task indices dynamically, so a task's result must not depend on which
 * thread runs it or when. Reductions split the work into a fixed number of chunks (independent of the thread count
 * where possible) and add the partial results in chunk order, which keeps results bit-for-bit repeatable.
 */
public final class Parallel {
    private static final Object LOCK = new Object();
    private static volatile int threads = initialThreads();
    // The count of one callWithThreads scope: bound on its thread only, so a training run asking for 1 thread leaves a
    // server's inference in the same JVM on all of its own.
    private static final ScopedValue<Integer> SCOPED_THREADS = ScopedValue.newInstance();
    private static ExecutorService pool;
    private static int poolSize;

    private Parallel() {
    }

    private static int initialThreads() {
        String configured = System.getProperty("resnet4j.threads");
        if (configured != null && !configured.isBlank()) {
            try {
                int value = Integer.parseInt(configured.trim());
                if (value >= 1) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("-Dresnet4j.threads must be a whole number >= 1, got '" + configured + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads kernels called from this thread use, the calling thread included. */
    public static int threads() {
        return SCOPED_THREADS.isBound() ? SCOPED_THREADS.get() : threads;
    }

    /**
     * Runs {@code op} with kernels called from this thread using {@code count} threads (the calling thread included),
     * and returns its result; other threads, and this one afterwards, keep the count they had.
     */
    public static <T, X extends Throwable> T callWithThreads(int count, ScopedValue.CallableOp<? extends T, X> op)
            throws X {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + count);
        }
        return ScopedValue.where(SCOPED_THREADS, count).call(op);
    }

    /** Sets the number of threads kernels use (the calling thread included); 1 runs everything on the caller. */
    public static void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + count);
        }
        threads = count;
    }

    /**
     * Runs {@code body.accept(i)} once for every {@code i} in {@code [0, tasks)}, spread over the pool and the calling
     * thread, and returns when all have finished. The first exception thrown by a task is rethrown here. Calls made
     * from inside a task run sequentially on that thread.
     */
    public static void forEach(int tasks, IntConsumer body) {
        int workers = Math.min(threads(), tasks);
        if (workers <= 1 || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        ExecutorService executor = executor(workers - 1);
        Job job = new Job(tasks, body, Thread.currentThread());
        for (int w = 1; w < workers; w++) {
            try {
                executor.execute(job::runAsHelper);
            } catch (RejectedExecutionException e) {
                // Another thread raised the thread count and shut this pool down after we took it: the caller (and
                // any helper already handed) still runs every task, so go on with fewer helpers.
                break;
            }
        }
        job.work();
        job.awaitHelpers();
        if (job.failure != null) {
            if (job.failure instanceof RuntimeException e) {
                throw e;
            }
            if (job.failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(job.failure);
        }
    }

    /** Splits {@code [0, length)} into {@code chunks} near-equal ranges; returns the start of range {@code chunk}. */
    public static int chunkStart(int length, int chunks, int chunk) {
        return (int) ((long) length * chunk / chunks);
    }

    private static ExecutorService executor(int helpers) {
        synchronized (LOCK) {
            if (pool == null || poolSize < helpers) {
                if (pool != null) {
                    pool.shutdown();
                }
                poolSize = Math.max(helpers, Runtime.getRuntime().availableProcessors() - 1);
                AtomicInteger counter = new AtomicInteger();
                ThreadFactory factory = runnable -> {
                    Worker worker = new Worker(runnable, "resnet4j-kernel-" + counter.incrementAndGet());
                    worker.setDaemon(true);
                    return worker;
                };
                pool = Executors.newFixedThreadPool(poolSize, factory);
            }
            return pool;
        }
    }

    private static final class Worker extends Thread {
        Worker(Runnable runnable, String name) {
            super(runnable, name);
        }
    }

    /**
     * One {@link #forEach} call. Helpers are submitted to the shared pool, but with several callers at once a helper may
     * wait in the queue behind another caller's tasks; by then the caller has done every task itself. So the caller
     * closes the job when its tasks are done and waits only for helpers that entered it before that: a helper that
     * starts later finds it closed and leaves at once, and no caller waits on the queue.
     */
    private static final class Job {
        private static final int CLOSED = 1 << 30;

        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        // Helpers inside the job, plus CLOSED once the caller has closed it.
        private final AtomicInteger inside = new AtomicInteger();
        private final Thread caller;
        private volatile Throwable failure;

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            int i;
            while (failure == null && (i = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
            }
        }

        void runAsHelper() {
            while (true) {
                int state = inside.get();
                if ((state & CLOSED) != 0) {
                    return; // the caller has finished without this helper
                }
                if (inside.compareAndSet(state, state + 1)) {
                    break;
                }
            }
            try {
                work();
            } finally {
                if (inside.decrementAndGet() == CLOSED) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Closes the job to helpers not yet inside, then waits for those inside to finish their tasks. */
        void awaitHelpers() {
            inside.getAndAdd(CLOSED);
            // Spin briefly: the helpers usually finish within microseconds of the caller, and parking costs more.
            for (int spin = 0; spin < 20_000 && inside.get() != CLOSED; spin++) {
                Thread.onSpinWait();
            }
            while (inside.get() != CLOSED) {
                LockSupport.parkNanos(this, 100_000L);
            }
        }
    }
}
