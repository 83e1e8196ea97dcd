package org.resnet4j.serving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A model whose batches wait at a gate until the test opens it, so a test can hold requests "in flight" and fill
 * the queue behind them. Records the size of every batch it was given. Public for the HTTP tests.
 */
public final class GatedModel implements BatchModel {
    private final BatchModel inner;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);
    private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

    public GatedModel(BatchModel inner) {
        this.inner = inner;
    }

    @Override
    public float[][] logits(List<float[]> inputs) {
        sizes.add(inputs.size());
        entered.release();
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
        return inner.logits(inputs);
    }

    @Override
    public OptionalInt inputLength() {
        return inner.inputLength();
    }

    /** Waits until a batch has reached the gate. */
    public void awaitEntered() throws InterruptedException {
        if (!entered.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no batch reached the model within 30 s");
        }
    }

    /** Lets every batch, waiting or to come, through. */
    public void open() {
        gate.countDown();
    }

    /** The sizes of the batches so far, in order. */
    public List<Integer> sizes() {
        synchronized (sizes) {
            return List.copyOf(sizes);
        }
    }
}
