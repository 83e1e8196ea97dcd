package org.resnet4j.serving;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs single-image requests in batches, as TorchServe and Triton do: a worker takes the oldest waiting input, then
 * keeps adding inputs until the batch is full or that oldest input has waited {@code maxWait}, and runs them as one
 * batch. Under load the queue already holds a full batch and nobody waits; a lone request waits at most
 * {@code maxWait}. Each input's logits are exactly those of the input alone, since every kernel computes an image
 * the same way whatever else is in the batch (tested).
 *
 * <p>The queue is bounded: a submission to a full queue is refused at once ({@link RejectedException}), so memory
 * never grows with the load. {@link #close()} refuses new submissions, and the workers finish every input already
 * queued before they stop; it is the one way to stop them: a worker interrupted by anything else logs a warning and
 * goes on. One worker is the usual choice: it runs each batch on all the kernel threads, and a second running another
 * batch at the same time mostly contends for the same cores.
 *
 * <p>Safe to share between threads: any thread may submit, read the queue and the metrics, or close.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    /**
     * How a {@link DynamicBatcher} batches and runs. Immutable; safe to share between threads.
     *
     * @param maxBatch      the most inputs in one batch (1 turns batching off)
     * @param maxWait       how long the oldest input may wait for others to join its batch
     * @param queueCapacity the most inputs waiting for a worker; more are refused
     * @param workers       threads running batches, all through the one {@link BatchModel}
     */
    public record Settings(int maxBatch, Duration maxWait, int queueCapacity, int workers) {
        public Settings {
            if (maxBatch < 1 || queueCapacity < 1 || workers < 1 || maxWait.isNegative()) {
                throw new IllegalArgumentException("batcher settings need maxBatch, queueCapacity and workers >= 1 and "
                        + "maxWait >= 0, got " + maxBatch + ", " + queueCapacity + ", " + workers + ", " + maxWait);
            }
        }
    }

    private final Settings settings;
    private final long maxWaitNanos;
    private final BatchMetrics metrics;
    private final OptionalInt inputLength;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** Held by the one worker gathering a batch, so two idle workers never split the waiting inputs between them. */
    private final ReentrantLock gathering = new ReentrantLock(true);
    private final List<Thread> workers = new ArrayList<>();
    private boolean closed;

    /** Starts the workers; with more than one, {@code model} must be safe to call from several threads at once. */
    public DynamicBatcher(BatchModel model, Settings settings) {
        this.settings = settings;
        // Saturating: a wait too long for nanoseconds (292 years and more) means "never run alone", not an overflow.
        this.maxWaitNanos = TimeUnit.NANOSECONDS.convert(settings.maxWait());
        this.metrics = new BatchMetrics(settings.maxBatch());
        this.inputLength = model.inputLength();
        for (int w = 0; w < settings.workers(); w++) {
            workers.add(Thread.ofPlatform().name("resnet4j-batcher-" + w).daemon().start(() -> work(model)));
        }
    }

    public Settings settings() {
        return settings;
    }

    public BatchMetrics metrics() {
        return metrics;
    }

    /**
     * Queues one input; the future completes with its logits, or exceptionally if its batch failed. Cancelling the
     * future before its batch starts leaves the input out of the batch and gives its place in the queue back at once.
     * The batcher queues a copy of {@code input}, so the caller may refill its array as soon as this returns.
     *
     * <p>A worker completes the future, so actions chained to it without an executor ({@code thenAccept},
     * {@code whenComplete}, ...) run on the worker, and the rest of the batch, and the next batch, wait for them: keep
     * them short, or use the {@code ...Async} variants. (Completing on another thread would cost every request a
     * hand-off, and a caller that blocks in {@code get}, as the HTTP server does, needs none.)
     *
     * @throws RejectedException at once when the queue is full or the batcher is closed
     * @throws IllegalArgumentException if the model states its {@link BatchModel#inputLength} and {@code input} has
     *                                  another length
     */
    public CompletableFuture<float[]> submit(float[] input) {
        // Here, not in the model: there a bad input would fail every input batched with it.
        if (inputLength.isPresent() && input.length != inputLength.getAsInt()) {
            throw new IllegalArgumentException("the input has " + input.length + " values, the model takes "
                    + inputLength.getAsInt());
        }
        // A copy: the batch runs later, on another thread, and must see the input as it was when submitted.
        Job job = new Job(input.clone(), System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                throw new RejectedException(RejectedException.Reason.CLOSED, "the batcher is closed");
            }
            if (queue.size() >= settings.queueCapacity()) {
                throw new RejectedException(RejectedException.Reason.QUEUE_FULL,
                        "the queue holds its limit of " + settings.queueCapacity() + " inputs");
            }
            job.waiting = true;
            queue.addLast(job);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        // A caller whose request timed out cancels: its place goes to live work at once, not when a worker reaches it.
        job.result.whenComplete((logits, failure) -> leave(job));
        return job.result;
    }

    /** Takes a job completed by anyone but a worker (cancelled) out of the queue. */
    private void leave(Job job) {
        // Read without the lock first: a worker's own completion, by far the most common, then costs nothing.
        if (!job.waiting) {
            return;
        }
        lock.lock();
        try {
            if (job.waiting) {
                job.waiting = false;
                queue.remove(job);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Inputs waiting for a worker. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new submissions; the workers run what is queued, then stop. Returns at once. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the workers to stop (after {@link #close()}); true if they all did within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !worker.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    private void work(BatchModel model) {
        // Sized for a batch the queue can fill: maxBatch may be far larger than anything ever queued.
        List<Job> batch = new ArrayList<>(Math.min(settings.maxBatch(), settings.queueCapacity()));
        while (true) {
            boolean open;
            try {
                open = gather(batch);
            } catch (InterruptedException e) {
                // Only close() stops a worker: a stray interrupt (an executor's shutdownNow, a model that leaves the
                // flag set) must not leave the queue without a worker while the server still looks healthy.
                LOG.warn("{} interrupted; it goes on (close() stops the batcher)", Thread.currentThread().getName());
                open = true;
            }
            if (!open) {
                return;
            }
            run(model, batch); // after an interrupt, what gather had taken runs now, without waiting for more
            batch.clear();
        }
    }

    /** Fills {@code batch}; false once the batcher is closed and the queue is empty. */
    private boolean gather(List<Job> batch) throws InterruptedException {
        gathering.lockInterruptibly();
        try {
            return gatherLocked(batch);
        } finally {
            // Released whatever happens: a worker that left it held would keep every other worker waiting for good.
            gathering.unlock();
        }
    }

    /** {@link #gather}'s work, {@code gathering} held. */
    private boolean gatherLocked(List<Job> batch) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Job first;
            while ((first = pollLive()) == null) {
                if (closed) {
                    return false;
                }
                arrived.await();
            }
            batch.add(first);
            while (batch.size() < settings.maxBatch()) {
                Job next = pollLive();
                if (next != null) {
                    batch.add(next);
                    continue;
                }
                // Waited so far subtracted from the wait, not a deadline added up: no overflow for a saturated wait.
                long left = maxWaitNanos - (System.nanoTime() - first.queuedNanos);
                // Once closed nothing more can arrive: run what there is without waiting.
                if (left <= 0 || closed) {
                    break;
                }
                arrived.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest queued job still wanted, or null; one cancelled but not yet out of the queue is dropped. */
    private Job pollLive() {
        for (Job job; (job = queue.pollFirst()) != null; ) {
            job.waiting = false;
            if (!job.result.isDone()) {
                return job;
            }
        }
        return null;
    }

    private void run(BatchModel model, List<Job> batch) {
        List<Job> live = new ArrayList<>(batch.size());
        for (Job job : batch) {
            if (!job.result.isDone()) {
                live.add(job);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<float[]> inputs = new ArrayList<>(live.size());
        for (Job job : live) {
            inputs.add(job.input);
        }
        long start = System.nanoTime();
        try {
            float[][] logits = model.logits(inputs);
            if (logits.length != live.size()) {
                throw new IllegalStateException("the model answered " + logits.length + " rows for " + live.size()
                        + " inputs");
            }
            metrics.record(live.size(), System.nanoTime() - start);
            for (int i = 0; i < logits.length; i++) {
                live.get(i).result.complete(logits[i]);
            }
        } catch (Throwable t) {
            // The worker lives on: the callers of this batch learn that it failed, later batches run as usual.
            LOG.error("a batch of {} failed", live.size(), t);
            for (Job job : live) {
                job.result.completeExceptionally(t);
            }
        }
    }

    private static final class Job {
        final float[] input;
        final long queuedNanos;
        final CompletableFuture<float[]> result = new CompletableFuture<>();
        /** In the queue; written under the lock, read without it by {@link #leave}. */
        volatile boolean waiting;

        Job(float[] input, long queuedNanos) {
            this.input = input;
            this.queuedNanos = queuedNanos;
        }
    }

    @Override
    public String toString() {
        return "DynamicBatcher[maxBatch " + settings.maxBatch() + ", maxWait "
                + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms, queue " + settings.queueCapacity() + ", workers "
                + settings.workers() + "]";
    }
}
