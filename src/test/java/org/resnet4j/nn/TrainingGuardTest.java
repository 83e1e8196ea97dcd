package org.resnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Training is single-caller: a second thread entering a module while a training call runs, or before the backward of
 * another thread's training forward, gets an IllegalStateException naming the module; inference calls run together.
 * A module that blocks inside forward makes each overlap certain instead of likely.
 */
class TrainingGuardTest {

    /** Passes its input through, first waiting until the test lets it go. */
    private static final class Gate extends Module {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Tensor forward(Tensor input, Workspace workspace) {
            entered.countDown();
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return input;
        }

        @Override
        public Tensor backward(Tensor gradOutput, Workspace workspace) {
            return gradOutput;
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        protected String displayName() {
            return "gate-model";
        }
    }

    private static final Tensor X = Tensor.zeros(Shape.of(2, 3, 4, 4), Layout.NCHW);

    @Test
    void inferenceWhileATrainingCallRunsIsRefused() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<Tensor> training = CompletableFuture.supplyAsync(() -> gate.forward(X, true));
        gate.entered.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gate.forward(X, false));
        assertTrue(e.getMessage().startsWith("gate-model"), e.getMessage());
        assertTrue(e.getMessage().contains("training call"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> gate.forward(X, true));
        assertTrue(e.getMessage().contains("a training call runs on another thread"), e.getMessage());
        gate.release.countDown();
        training.get(1, TimeUnit.MINUTES);
    }

    @Test
    void trainingWhileInferenceRunsIsRefusedButInferenceCallsOverlap() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<Tensor> first = CompletableFuture.supplyAsync(() -> gate.forward(X, false));
        gate.entered.await();
        CompletableFuture<Tensor> second = CompletableFuture.supplyAsync(() -> gate.forward(X, false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gate.forward(X, true));
        assertTrue(e.getMessage().contains("inference call(s) run on other threads"), e.getMessage());
        gate.release.countDown();
        first.get(1, TimeUnit.MINUTES);
        second.get(1, TimeUnit.MINUTES);
        gate.forward(X, true); // all calls have left: training may enter
    }

    @Test
    void anotherThreadCannotEnterBetweenATrainingForwardAndItsBackward() throws Exception {
        var kernels = KernelProvider.scalar();
        Sequential net = new Sequential(new Conv2d(kernels, 3, 4, 3, 1, 1, false), new ReLU(kernels, true),
                new GlobalAvgPool2d(kernels));
        Tensor grad = Tensor.zeros(Shape.of(2, 4), Layout.NCHW);
        grad.fill(1f);
        runOn("trainer-a", () -> net.forward(X, true));
        // Thread trainer-a has gone: its step no longer blocks anyone. Start a step here and hold it open.
        net.forward(X, true);
        AtomicReference<Throwable> forward = new AtomicReference<>();
        AtomicReference<Throwable> backward = new AtomicReference<>();
        AtomicReference<Throwable> inference = new AtomicReference<>();
        runOn("trainer-b", () -> {
            forward.set(thrown(() -> net.forward(X, true)));
            backward.set(thrown(() -> net.backward(grad)));
            inference.set(thrown(() -> net.forward(X, false)));
        });
        assertTrue(forward.get() instanceof IllegalStateException, String.valueOf(forward.get()));
        assertTrue(forward.get().getMessage().contains("has run a training forward and not yet its backward"),
                forward.get().getMessage());
        assertTrue(backward.get() instanceof IllegalStateException, String.valueOf(backward.get()));
        assertNull(inference.get(), "inference does not touch the pending step and may run");
        net.backward(grad); // this thread's step completes
        AtomicReference<Throwable> after = new AtomicReference<>();
        runOn("trainer-b", () -> after.set(thrown(() -> net.forward(X, true))));
        assertNull(after.get(), "after the backward, any thread may train");
    }

    @Test
    void backwardRunsOncePerTrainingForward() {
        var kernels = KernelProvider.scalar();
        Conv2d conv = new Conv2d(kernels, 3, 4, 3, 1, 1, false);
        Sequential net = new Sequential(conv, new ReLU(kernels, true), new GlobalAvgPool2d(kernels));
        Tensor x = Tensor.zeros(Shape.of(2, 3, 4, 4), Layout.NCHW);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) Math.sin(i);
        }
        Tensor grad = Tensor.zeros(Shape.of(2, 4), Layout.NCHW);
        grad.fill(1f);
        assertThrows(IllegalStateException.class, () -> net.backward(grad));

        net.forward(x, true);
        net.backward(grad);
        float[] once = conv.weight().grad().data().clone();
        // A second backward of the same forward used to add every gradient again: twice the true one, silently.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.backward(grad));
        assertTrue(e.getMessage().startsWith("Sequential: backward without a training forward since the last backward"), e.getMessage());
        assertArrayEquals(once, conv.weight().grad().data(), "the refused backward changed the gradients");

        net.forward(x, true); // the next step may run as usual
        conv.zeroGrad();
        net.backward(grad);
        assertArrayEquals(once, conv.weight().grad().data());
    }

    @Test
    void aConsistentReadWaitsForATrainingCallToEnd() throws Exception {
        Gate gate = new Gate();
        ExecutorService threads = Executors.newFixedThreadPool(2); // the common pool may have a single thread
        try {
            CompletableFuture<Tensor> training = CompletableFuture.supplyAsync(() -> gate.forward(X, true), threads);
            gate.entered.await();
            AtomicInteger reads = new AtomicInteger();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(
                    () -> gate.readConsistently("copy it", reads::incrementAndGet), threads);
            Thread.sleep(200);
            assertFalse(read.isDone(), "a read ran while a training call changed the module");
            assertEquals(0, reads.get());
            gate.release.countDown();
            training.get(1, TimeUnit.MINUTES);
            assertEquals(1, read.get(1, TimeUnit.MINUTES));
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A loop that trains back to back leaves no pause for a snapshot: a waiting read holds the next training forward.
     * Only reads that began before the forward arrived hold it, so snapshots back to back cannot starve training.
     */
    @Test
    void aTrainingForwardWaitsForTheSnapshotsBeforeItAndNoOthers() throws Exception {
        Sequential net = new Sequential(new Conv2d(KernelProvider.scalar(), 3, 4, 3, 1, 1, false));
        // Threads of its own: the common pool may have a single thread, which a blocked read would hold.
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            BlockedRead first = new BlockedRead(net, threads);
            CompletableFuture<Tensor> training = CompletableFuture.supplyAsync(() -> net.forward(X, true), threads);
            Thread.sleep(200);
            assertFalse(training.isDone(), "a training forward ran while a snapshot read the module");

            BlockedRead later = new BlockedRead(net, threads);
            first.finish();
            training.get(1, TimeUnit.MINUTES); // while the later read still waits
            assertFalse(later.result.isDone());
            later.finish();
        } finally {
            threads.shutdownNow();
        }
    }

    /** A consistent read of {@code net} on another thread that waits inside its first attempt until finished. */
    private static final class BlockedRead {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Integer> result;

        BlockedRead(Module net, ExecutorService threads) throws InterruptedException {
            result = CompletableFuture.supplyAsync(() -> net.readConsistently("copy it", () -> {
                reading.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }), threads);
            reading.await();
        }

        void finish() throws Exception {
            release.countDown();
            assertEquals(1, result.get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void aReadDuringWhichAParameterChangedIsTakenAgain() {
        Conv2d conv = new Conv2d(KernelProvider.scalar(), 3, 4, 3, 1, 1, false);
        AtomicInteger reads = new AtomicInteger();
        int taken = conv.readConsistently("copy it", () -> {
            if (reads.incrementAndGet() == 1) {
                conv.weight().markChanged(); // as an optimizer step on another thread would, mid-read
            }
            return reads.get();
        });
        assertEquals(2, taken);
    }

    @Test
    void aChangeThatNeverEndsIsReportedNamingTheModuleAndTheRead() {
        Conv2d conv = new Conv2d(KernelProvider.scalar(), 3, 4, 3, 1, 1, false);
        conv.weight().beginChange(); // an optimizer step that never finishes
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> conv.readConsistently("freeze it", () -> 1, Duration.ofMillis(50)));
        assertTrue(e.getMessage().startsWith(conv.displayName() + ": cannot freeze it"), e.getMessage());
        conv.weight().endChange();
        assertEquals(1, conv.readConsistently("freeze it", () -> 1));
    }

    private static Throwable thrown(Runnable call) {
        try {
            call.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static void runOn(String name, Runnable body) throws InterruptedException {
        Thread thread = new Thread(body, name);
        thread.start();
        thread.join();
    }
}
