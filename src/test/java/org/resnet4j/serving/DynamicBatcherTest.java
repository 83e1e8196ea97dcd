package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batcher against the shipped ResNet-20: batches give each input its logits alone, bit for bit; concurrent
 * inputs share a batch; a lone input waits at most maxWait; a full queue refuses at once; close finishes the queue.
 */
class DynamicBatcherTest {
    private static Predictor predictor;
    private DynamicBatcher batcher;

    @BeforeAll
    static void loadNetwork() {
        predictor = ServingFixtures.shippedPredictor();
    }

    @AfterEach
    void close() throws InterruptedException {
        if (batcher != null) {
            batcher.close();
            assertTrue(batcher.awaitTermination(Duration.ofSeconds(30)), "workers stop after close");
        }
    }

    private static float[] randomInput(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] input = new float[3 * 32 * 32];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }

    /**
     * 45 inputs queued behind a held batch, batches of at most 16: they run as 16, 16 and 13, and every input gets
     * exactly the logits it gets alone. Every kernel is batch-invariant, so this holds bit for bit.
     */
    @Test
    void batchedLogitsEqualThoseOfEachInputAlone() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(16, Duration.ofMillis(50), 64, 1));
        CompletableFuture<float[]> first = batcher.submit(randomInput(100));
        gated.awaitEntered();
        List<float[]> inputs = new ArrayList<>();
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            inputs.add(randomInput(i));
            results.add(batcher.submit(inputs.get(i)));
        }
        gated.open();

        assertArrayEquals(predictor.logits(List.of(randomInput(100)))[0], first.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < inputs.size(); i++) {
            float[] expected = predictor.logits(List.of(inputs.get(i)))[0];
            float[] actual = results.get(i).get(30, TimeUnit.SECONDS);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(actual[k]),
                        "input " + i + " logit " + k);
            }
        }
        assertEquals(List.of(1, 16, 16, 13), gated.sizes());
        Histogram.Snapshot sizes = batcher.metrics().batchSizes();
        assertEquals(4, sizes.count());
        assertEquals(46, sizes.sum());
        assertEquals(46, batcher.metrics().images());
    }

    /** A caller that refills its array once submit returns (a recycled request buffer) still gets its own logits. */
    @Test
    void anInputRefilledAfterSubmitKeepsItsOwnLogits() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(4, Duration.ofMillis(50), 8, 1));
        CompletableFuture<float[]> holder = batcher.submit(randomInput(7));
        gated.awaitEntered();
        float[] buffer = randomInput(8);
        CompletableFuture<float[]> queued = batcher.submit(buffer);
        System.arraycopy(randomInput(9), 0, buffer, 0, buffer.length);
        gated.open();

        holder.get(30, TimeUnit.SECONDS);
        assertArrayEquals(predictor.logits(List.of(randomInput(8)))[0], queued.get(30, TimeUnit.SECONDS));
    }

    /**
     * A largest batch beyond anything the queue can hold (2^31 - 1) runs what is queued: the batcher hung in its
     * constructor (the batch-size buckets' {@code 1 << i} overflowed and never reached it), and its worker would have
     * reserved a list of that capacity.
     */
    @Test
    void aMaxBatchBeyondTheQueueRunsWhatIsQueued() {
        float[] logits = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            batcher = new DynamicBatcher(predictor,
                    new DynamicBatcher.Settings(Integer.MAX_VALUE, Duration.ofMillis(1), 4, 1));
            return batcher.submit(randomInput(3)).get(30, TimeUnit.SECONDS);
        });
        assertArrayEquals(predictor.logits(List.of(randomInput(3)))[0], logits);
    }

    /**
     * A wait too long for nanoseconds (serve --max-wait-ms 9223372036854775807, "never run alone") still runs full
     * batches: the batcher's constructor threw ArithmeticException ("long overflow") from Duration.toNanos().
     */
    @Test
    void anEndlessMaxWaitStillRunsFullBatches() throws Exception {
        batcher = new DynamicBatcher(predictor,
                new DynamicBatcher.Settings(2, Duration.ofMillis(Long.MAX_VALUE), 4, 1));
        CompletableFuture<float[]> first = batcher.submit(randomInput(1));
        CompletableFuture<float[]> second = batcher.submit(randomInput(2));

        assertArrayEquals(predictor.logits(List.of(randomInput(1)))[0], first.get(30, TimeUnit.SECONDS));
        assertArrayEquals(predictor.logits(List.of(randomInput(2)))[0], second.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aLoneInputWaitsForCompanyAtMostMaxWait() throws Exception {
        batcher = new DynamicBatcher(predictor, new DynamicBatcher.Settings(8, Duration.ofMillis(300), 8, 1));
        long start = System.nanoTime();
        batcher.submit(randomInput(1)).get(30, TimeUnit.SECONDS);
        long waited = System.nanoTime() - start;

        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(300), "ran after " + waited / 1e6 + " ms, before maxWait");
        assertEquals(1, batcher.metrics().batchSizes().count());
    }

    @Test
    void aFullBatchRunsWithoutWaiting() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(4, Duration.ofSeconds(60), 8, 1));
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(batcher.submit(randomInput(i)));
        }
        gated.open();

        for (CompletableFuture<float[]> result : results) {
            result.get(20, TimeUnit.SECONDS); // far less than the 60 s maxWait
        }
        assertEquals(List.of(4), gated.sizes());
    }

    @Test
    void aFullQueueRefusesAtOnceAndTakesAgainWhenItDrains() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(1, Duration.ZERO, 2, 1));
        CompletableFuture<float[]> running = batcher.submit(randomInput(1));
        gated.awaitEntered();
        CompletableFuture<float[]> queuedA = batcher.submit(randomInput(2));
        CompletableFuture<float[]> queuedB = batcher.submit(randomInput(3));

        RejectedException e = assertThrows(RejectedException.class, () -> batcher.submit(randomInput(4)));
        assertEquals(RejectedException.Reason.QUEUE_FULL, e.reason());
        assertEquals(2, batcher.queued());

        gated.open();
        running.get(30, TimeUnit.SECONDS);
        queuedA.get(30, TimeUnit.SECONDS);
        queuedB.get(30, TimeUnit.SECONDS);
        batcher.submit(randomInput(5)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void closeRefusesNewInputsAndFinishesQueuedOnesWithoutWaiting() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(2, Duration.ofSeconds(60), 8, 1));
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        results.add(batcher.submit(randomInput(0)));
        results.add(batcher.submit(randomInput(1)));
        gated.awaitEntered();
        results.add(batcher.submit(randomInput(2))); // a batch of one, which would wait 60 s for a partner
        batcher.close();

        assertEquals(RejectedException.Reason.CLOSED,
                assertThrows(RejectedException.class, () -> batcher.submit(randomInput(3))).reason());
        gated.open();
        for (CompletableFuture<float[]> result : results) {
            result.get(20, TimeUnit.SECONDS);
        }
        assertTrue(batcher.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(List.of(2, 1), gated.sizes());
    }

    @Test
    void cancelledInputsAreLeftOutOfTheirBatch() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(8, Duration.ofMillis(20), 8, 1));
        CompletableFuture<float[]> running = batcher.submit(randomInput(0));
        gated.awaitEntered();
        CompletableFuture<float[]> kept = batcher.submit(randomInput(1));
        CompletableFuture<float[]> cancelled = batcher.submit(randomInput(2));
        cancelled.cancel(false);
        gated.open();

        running.get(30, TimeUnit.SECONDS);
        kept.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(1, 1), gated.sizes());
        assertEquals(2, batcher.metrics().images());
    }

    /**
     * Cancelled inputs (a request that timed out) give their places back at once and take no batch slot: they stayed
     * queued until a worker reached them, so the queue refused live work as full while it held only dead inputs.
     */
    @Test
    void cancelledInputsLeaveTheQueueAtOnce() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(1, Duration.ZERO, 2, 1));
        CompletableFuture<float[]> running = batcher.submit(randomInput(0));
        gated.awaitEntered();
        CompletableFuture<float[]> b = batcher.submit(randomInput(1));
        CompletableFuture<float[]> c = batcher.submit(randomInput(2));
        b.cancel(false);
        c.cancel(false);

        CompletableFuture<float[]> d;
        try {
            d = batcher.submit(randomInput(3));
            assertEquals(1, batcher.queued());
        } finally {
            gated.open();
        }
        running.get(30, TimeUnit.SECONDS);
        assertArrayEquals(predictor.logits(List.of(randomInput(3)))[0], d.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 1), gated.sizes(), "the batch after the first holds d only");
    }

    /** Live inputs between cancelled ones share a full batch: dead inputs took slots, and batches ran half full. */
    @Test
    void cancelledInputsTakeNoBatchSlot() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(2, Duration.ofSeconds(60), 8, 1));
        CompletableFuture<float[]> running = batcher.submit(randomInput(0));
        CompletableFuture<float[]> partner = batcher.submit(randomInput(1));
        gated.awaitEntered();
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 2; i < 6; i++) {
            queued.add(batcher.submit(randomInput(i)));
        }
        queued.get(0).cancel(false);
        queued.get(2).cancel(false);
        gated.open();

        running.get(30, TimeUnit.SECONDS);
        partner.get(30, TimeUnit.SECONDS);
        queued.get(1).get(30, TimeUnit.SECONDS);
        queued.get(3).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(2, 2), gated.sizes());
    }

    /**
     * An input of the wrong length is refused at submission and the valid input queued beside it still gets its
     * logits: it was taken, and the model's check then failed the whole batch it shared.
     */
    @Test
    void anInputOfTheWrongLengthIsRefusedAndSparesItsBatch() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(4, Duration.ofMillis(20), 8, 1));
        CompletableFuture<float[]> running = batcher.submit(randomInput(0));
        gated.awaitEntered();
        CompletableFuture<float[]> valid = batcher.submit(randomInput(1));
        IllegalArgumentException e;
        try {
            e = assertThrows(IllegalArgumentException.class, () -> batcher.submit(new float[5]));
        } finally {
            gated.open();
        }

        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("3072"), e.getMessage());
        running.get(30, TimeUnit.SECONDS);
        assertArrayEquals(predictor.logits(List.of(randomInput(1)))[0], valid.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 1), gated.sizes(), "the second batch holds the valid input alone");
    }

    @Test
    void aFailedBatchFailsItsCallersAndTheWorkerGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BatchModel failingOnce = inputs -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("boom");
            }
            return predictor.logits(inputs);
        };
        batcher = new DynamicBatcher(failingOnce, new DynamicBatcher.Settings(4, Duration.ZERO, 8, 1));

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> batcher.submit(randomInput(0)).get(30, TimeUnit.SECONDS));
        assertEquals("boom", e.getCause().getMessage());
        assertEquals(10, batcher.submit(randomInput(1)).get(30, TimeUnit.SECONDS).length);
    }

    /**
     * An idle worker interrupted by someone other than close() goes on: it ended without a word, and with one worker
     * nothing ran again.
     */
    @Test
    void anInterruptedIdleWorkerGoesOn() throws Exception {
        batcher = new DynamicBatcher(predictor, new DynamicBatcher.Settings(4, Duration.ZERO, 8, 1));
        interruptWorker("resnet4j-batcher-0");

        assertArrayEquals(predictor.logits(List.of(randomInput(1)))[0],
                batcher.submit(randomInput(1)).get(20, TimeUnit.SECONDS));
    }

    /** Two idle workers, one gathering and one waiting its turn, both interrupted: they go on, and so does the queue. */
    @Test
    void interruptedIdleWorkersGoOnTogether() throws Exception {
        batcher = new DynamicBatcher(predictor, new DynamicBatcher.Settings(4, Duration.ZERO, 8, 2));
        interruptWorker("resnet4j-batcher-1");
        interruptWorker("resnet4j-batcher-0");

        for (int i = 0; i < 4; i++) {
            assertArrayEquals(predictor.logits(List.of(randomInput(i)))[0],
                    batcher.submit(randomInput(i)).get(20, TimeUnit.SECONDS));
        }
    }

    /**
     * A worker interrupted while its model runs: that batch fails as the model decides, and the next one runs. The
     * interrupt the model left set made the worker's next wait throw, and the worker ended.
     */
    @Test
    void aWorkerInterruptedInItsModelGoesOn() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        batcher = new DynamicBatcher(gated, new DynamicBatcher.Settings(4, Duration.ZERO, 8, 1));
        CompletableFuture<float[]> interrupted = batcher.submit(randomInput(0));
        gated.awaitEntered();
        interruptWorker("resnet4j-batcher-0");
        ExecutionException e = assertThrows(ExecutionException.class, () -> interrupted.get(30, TimeUnit.SECONDS));
        assertEquals("interrupted at the gate", e.getCause().getMessage());
        gated.open();

        assertArrayEquals(predictor.logits(List.of(randomInput(1)))[0],
                batcher.submit(randomInput(1)).get(20, TimeUnit.SECONDS));
    }

    private static void interruptWorker(String name) throws InterruptedException {
        List<Thread> found = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                found.add(thread);
            }
        }
        assertEquals(1, found.size(), "threads named " + name);
        Thread worker = found.get(0);
        // Wait until it blocks (waiting for inputs, or in the model), so the interrupt lands in a wait.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (worker.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        worker.interrupt();
    }

    /** Three workers run batches through the one network at once; each input still gets its logits alone. */
    @Test
    void severalWorkersShareTheNetwork() throws Exception {
        batcher = new DynamicBatcher(predictor, new DynamicBatcher.Settings(4, Duration.ZERO, 64, 3));
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(batcher.submit(randomInput(i)));
        }
        for (int i = 0; i < results.size(); i++) {
            assertArrayEquals(predictor.logits(List.of(randomInput(i)))[0], results.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher.Settings(0, Duration.ZERO, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher.Settings(1, Duration.ZERO, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher.Settings(1, Duration.ZERO, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher.Settings(1, Duration.ofMillis(-1), 1, 1));
    }
}
