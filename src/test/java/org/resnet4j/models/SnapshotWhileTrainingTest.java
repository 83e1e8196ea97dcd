package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A snapshot taken on another thread while a network trains ({@link ResNet#freeze()}, {@link StateDicts#entries}) is
 * the network of one moment between changes, never half of an optimizer step or a training forward's statistics with
 * the weights of another step. The training thread records every state the network passes through (after each training
 * forward, which moves the running statistics, and after each optimizer step); every snapshot the other thread takes
 * must answer a probe exactly as one of them does. And a snapshot on another thread completes while the training loop
 * runs back to back, leaving no pause of its own.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotWhileTrainingTest {
    private static final int STEPS = 40;
    private static final int SNAPSHOTS = 20;
    private static final Shape SMALL = Shape.of(4, 3, 8, 8);

    @Test
    void aFreezeOnAnotherThreadIsTheNetworkOfOneMoment() throws Exception {
        ResNet model = ResNets.create("resnet20");
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        Tensor probe = random(Shape.of(2, 3, 8, 8), 1);
        List<float[]> states = new CopyOnWriteArrayList<>();
        states.add(answer(model.freeze(), probe));

        List<float[]> taken = trainWhileTaking(model, sgd, SMALL, () -> answer(model.freeze(), probe),
                () -> states.add(answer(model.freeze(), probe)));

        for (float[] snapshot : taken) {
            assertTrue(states.stream().anyMatch(state -> Arrays.equals(state, snapshot)),
                    "a snapshot answers as no state the network passed through: " + Arrays.toString(snapshot));
        }
    }

    @Test
    void aStateDictTakenOnAnotherThreadIsTheNetworkOfOneMoment() throws Exception {
        ResNet model = ResNets.create("resnet20");
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        Set<String> states = ConcurrentHashMap.newKeySet();
        states.add(fingerprint(StateDicts.entries(model)));

        List<String> taken = trainWhileTaking(model, sgd, SMALL, () -> fingerprint(StateDicts.entries(model)),
                () -> states.add(fingerprint(StateDicts.entries(model))));

        for (String snapshot : taken) {
            assertTrue(states.contains(snapshot), "a state dict holds tensors of different moments");
        }
    }

    /**
     * A training loop leaves almost no pause between its steps; the snapshot holds the next training forward until it
     * has read (TrainingGuardTest shows the hold itself), so the freezes complete, none waiting out its patience.
     */
    @Test
    void aFreezeOnAnotherThreadCompletesWhileTrainingRunsBackToBack() throws Exception {
        ResNet model = ResNets.create("resnet20");
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        List<Boolean> frozen = trainWhileTaking(model, sgd, SMALL, () -> model.freeze() != null, () -> { });
        assertTrue(frozen.size() >= SNAPSHOTS);
    }

    /**
     * Trains {@link #STEPS} steps on {@code batch} random images, and on until another thread has taken {@link #SNAPSHOTS} snapshots with
     * {@code take} (or failed: its exception is rethrown); {@code record} runs on the training thread after each training
     * forward and each optimizer step.
     */
    private static <T> List<T> trainWhileTaking(ResNet model, Sgd sgd, Shape batch, Supplier<T> take,
                                                Runnable record) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger count = new AtomicInteger();
        CompletableFuture<List<T>> snapshots = CompletableFuture.supplyAsync(() -> {
            List<T> taken = new ArrayList<>();
            while (!done.get()) {
                taken.add(take.get());
                count.incrementAndGet();
            }
            return taken;
        });
        Tensor images = random(batch, 2);
        Tensor gradient = random(Shape.of(batch.dim(0), 10), 3);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try {
            for (int step = 0; (step < STEPS || count.get() < SNAPSHOTS) && !snapshots.isDone(); step++) {
                assertTrue(System.nanoTime() < deadline, "the other thread took " + count.get() + " snapshots in a "
                        + "minute of training");
                sgd.zeroGrad();
                model.forward(images, true);
                record.run();
                model.backward(gradient);
                sgd.step(0.01);
                record.run();
            }
        } finally {
            done.set(true);
        }
        return snapshots.get(1, TimeUnit.MINUTES);
    }

    /** A digest of every entry's name and bytes (a state dict of ResNet-20 is a megabyte: the states are many). */
    private static String fingerprint(List<TensorEntry> entries) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (TensorEntry entry : entries) {
                digest.update(entry.name().getBytes(StandardCharsets.UTF_8));
                digest.update(entry.data());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static float[] answer(FrozenResNet frozen, Tensor probe) {
        return frozen.forward(probe, false).data().clone();
    }

    private static Tensor random(Shape shape, long seed) {
        Random random = new Random(seed);
        Tensor t = Tensor.zeros(shape, Layout.NCHW);
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return t;
    }
}
