package org.resnet4j.spark;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.MomentumEntries;

/**
 * A replica's whole training state as safetensors bytes: the state dict under torchvision's names and the momentum
 * buffers under {@code optimizer.momentum.<name>}, as the library's checkpoints hold them. The same bytes go to the
 * workers (a broadcast) and into the driver's checkpoint file; loading is the library's strict state-dict load, so
 * a replica of another shape is refused with every differing name.
 */
final class ReplicaState {
    static final String MOMENTUM_PREFIX = MomentumEntries.PREFIX;

    private ReplicaState() {
    }

    static List<TensorEntry> entries(ResNet model, Sgd optimizer) {
        List<TensorEntry> entries = new ArrayList<>(StateDicts.entries(model));
        entries.addAll(MomentumEntries.of(optimizer));
        return entries;
    }

    static byte[] capture(ResNet model, Sgd optimizer, Map<String, String> metadata) {
        return SafeTensors.toBytes(entries(model, optimizer), metadata);
    }

    /** Loads {@code bytes} into the model and the optimizer; all or nothing for the model (the library's load). */
    static SafeTensorsFile restore(ResNet model, Sgd optimizer, byte[] bytes, String source)
            throws SafeTensorsException {
        SafeTensorsFile file = SafeTensors.read(source, bytes);
        restore(model, optimizer, file, source);
        return file;
    }

    /** As {@link #restore(ResNet, Sgd, byte[], String)}, for a state already read. */
    static void restore(ResNet model, Sgd optimizer, SafeTensorsFile file, String source) throws SafeTensorsException {
        Map<String, float[]> momentum = MomentumEntries.read(file, optimizer, source);
        StateDicts.load(model, file, MOMENTUM_PREFIX);
        optimizer.loadVelocities(momentum);
    }

    /**
     * What the workers compare when they meet: architecture, classes, and every parameter and buffer name with its
     * shape, as a readable summary and a digest.
     */
    static String fingerprint(ResNet model) {
        StringBuilder layout = new StringBuilder();
        model.namedParameters().forEach((name, p) -> layout.append(name).append(p.shape()).append(';'));
        model.namedBuffers().forEach((name, b) -> layout.append(name).append(b.shape()).append(';'));
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(layout.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is in every JDK", e);
        }
        return model.architecture().name() + " (" + model.classes() + " classes, " + model.parameterCount()
                + " parameters in " + model.namedParameters().size() + " tensors, layout " + digest + ")";
    }

    /**
     * A 64-bit hash of the parameters' and momentum buffers' bits (FNV-1a over each float's bits): equal on every
     * replica after every step, since every replica applies the same update to the same values. Batch-norm running
     * statistics are left out: they are per replica.
     */
    static long hash(ResNet model, Sgd optimizer) {
        long h = 0xcbf29ce484222325L;
        for (Parameter p : model.namedParameters().values()) {
            h = hash(h, p.value());
        }
        for (float[] v : optimizer.velocities().values()) {
            h = hash(h, v);
        }
        return h;
    }

    private static long hash(long h, Tensor t) {
        return hash(h, t.data());
    }

    private static long hash(long h, float[] values) {
        for (float value : values) {
            h = (h ^ Float.floatToRawIntBits(value)) * 0x100000001b3L;
        }
        return h;
    }
}
