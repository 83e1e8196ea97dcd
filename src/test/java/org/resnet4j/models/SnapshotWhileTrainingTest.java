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
import org.junit.jupiter.api.Test;
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
 * must answer a probe exactly as one of them does.
 */
class SnapshotWhileTrainingTest {
    private static final int STEPS = 40;

    @Test
    void aFreezeOnAnotherThreadIsTheNetworkOfOneMoment() throws Exception {
        ResNet model = ResNets.create("resnet20");
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        Tensor probe = random(Shape.of(2, 3, 8, 8), 1);
        List<float[]> states = new CopyOnWriteArrayList<>();
        states.add(answer(model.freeze(), probe));
        AtomicBoolean done = new AtomicBoolean();

        CompletableFuture<List<float[]>> snapshots = CompletableFuture.supplyAsync(() -> {
            List<float[]> answers = new ArrayList<>();
            while (!done.get()) {
                answers.add(answer(model.freeze(), probe));
            }
            return answers;
        });
        train(model, sgd, () -> states.add(answer(model.freeze(), probe)));
        done.set(true);

        List<float[]> taken = snapshots.get(1, TimeUnit.MINUTES);
        assertTrue(!taken.isEmpty());
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
        AtomicBoolean done = new AtomicBoolean();

        CompletableFuture<List<String>> snapshots = CompletableFuture.supplyAsync(() -> {
            List<String> taken = new ArrayList<>();
            while (!done.get()) {
                taken.add(fingerprint(StateDicts.entries(model)));
            }
            return taken;
        });
        train(model, sgd, () -> states.add(fingerprint(StateDicts.entries(model))));
        done.set(true);

        List<String> taken = snapshots.get(1, TimeUnit.MINUTES);
        assertTrue(!taken.isEmpty());
        for (String snapshot : taken) {
            assertTrue(states.contains(snapshot), "a state dict holds tensors of different moments");
        }
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

    /** Training steps with a fixed loss gradient; {@code record} runs after each forward and each optimizer step. */
    private static void train(ResNet model, Sgd sgd, Runnable record) {
        Tensor images = random(Shape.of(4, 3, 8, 8), 2);
        Tensor gradient = random(Shape.of(4, 10), 3);
        for (int step = 0; step < STEPS; step++) {
            sgd.zeroGrad();
            model.forward(images, true);
            record.run();
            model.backward(gradient);
            sgd.step(0.01);
            record.run();
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
