package org.resnet4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * The reference for the distributed runs: one process, one model, the same global batches, batch-norm statistics per
 * shard. Each step runs the K shards' forward and backward passes one after another on the one model (its gradients
 * accumulate), divides the gradients by K and takes one SGD step. The running statistics kept are those after shard
 * 0's pass, as the distributed run keeps worker 0's.
 */
final class SingleProcess {
    /** The tensor of the last {@link #relativeError}'s largest difference. */
    static String worstName;
    private SingleProcess() {
    }

    static ResNet train(Cifar10Dataset dataset, Cifar10Input input, ModelFactory factory, DistributedConfig config) {
        return train(dataset, input, factory, config, false);
    }

    /**
     * @param reversed add the shards' gradients last to first (running statistics still worker 0's): the same
     *                 computation with another order of the one sum, to measure how much that order alone moves the
     *                 weights
     */
    static ResNet train(Cifar10Dataset dataset, Cifar10Input input, ModelFactory factory, DistributedConfig config,
            boolean reversed) {
        Kernels kernels = Kernels.active();
        ResNet model = factory.create();
        Sgd optimizer = new Sgd(kernels, model.namedParameters(), config.momentum(), config.weightDecay(), false);
        Shards shards = new Shards(dataset.size(), config.workers(), config.batchPerWorker());
        int b = shards.batch();
        float[] images = new float[b * 3072];
        int[] labels = new int[b];
        Tensor batch = Tensor.wrap(images, Shape.of(b, 3, 32, 32), Layout.NHWC);
        Tensor gradLogits = Tensor.zeros(Shape.of(b, 10), Layout.NCHW);
        float[] probabilities = new float[b * 10];
        for (long step = 0; step < config.iterations(); step++) {
            int epoch = (int) (step / shards.stepsPerEpoch());
            int position = (int) (step % shards.stepsPerEpoch()) * b;
            optimizer.zeroGrad();
            Map<String, float[]> stepStart = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
                stepStart.put(e.getKey(), e.getValue().data().clone());
            }
            Map<String, float[]> workerZeroBuffers = null;
            Map<String, Long> workerZeroCounters = null;
            for (int i = 0; i < config.workers(); i++) {
                int r = reversed ? config.workers() - 1 - i : i;
                int[] order = shards.order(config.seed(), epoch, r);
                for (int k = 0; k < b; k++) {
                    int image = (int) shards.index(r, order[position + k]);
                    byte[] record = ShardsTest.record(dataset, image);
                    input.write(record, image, config.seed(), epoch, images, k * 3072);
                    labels[k] = input.label(record);
                }
                // Each worker's running statistics start the step from worker 0's (the driver's state).
                for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
                    float[] saved = stepStart.get(e.getKey());
                    System.arraycopy(saved, 0, e.getValue().data(), 0, saved.length);
                }
                Tensor logits = model.forward(batch, true);
                kernels.loss().softmaxCrossEntropyForward(b, 10, logits.data(), labels, 0f, probabilities);
                kernels.loss().softmaxCrossEntropyBackward(b, 10, probabilities, labels, 0f, gradLogits.data());
                model.backward(gradLogits);
                if (r == 0) {
                    // Worker 0's pass may not be the last: keep its running statistics to put back at the end.
                    workerZeroBuffers = new LinkedHashMap<>();
                    for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
                        workerZeroBuffers.put(e.getKey(), e.getValue().data().clone());
                    }
                    workerZeroCounters = new LinkedHashMap<>();
                    for (Map.Entry<String, long[]> e : model.namedCounters().entrySet()) {
                        workerZeroCounters.put(e.getKey(), e.getValue()[0]);
                    }
                }
            }
            for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
                float[] saved = workerZeroBuffers.get(e.getKey());
                System.arraycopy(saved, 0, e.getValue().data(), 0, saved.length);
            }
            for (Map.Entry<String, long[]> e : model.namedCounters().entrySet()) {
                e.getValue()[0] = workerZeroCounters.get(e.getKey());
            }
            for (Parameter p : model.namedParameters().values()) {
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) {
                    g[i] /= config.workers();
                }
            }
            optimizer.step(config.learningRates().rate(step));
        }
        return model;
    }

    /** Every parameter and buffer, by name. */
    static Map<String, float[]> state(ResNet model) {
        Map<String, float[]> state = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> state.put(name, p.value().data()));
        model.namedBuffers().forEach((name, t) -> state.put(name, t.data()));
        return state;
    }

    /**
     * The largest relative difference over the tensors: for each tensor, the largest absolute difference divided by
     * the tensor's largest absolute value.
     */
    static double relativeError(ResNet actual, ResNet expected) {
        Map<String, float[]> a = state(actual);
        Map<String, float[]> e = state(expected);
        if (!a.keySet().equals(e.keySet())) {
            throw new AssertionError("different tensors: " + a.keySet() + " vs " + e.keySet());
        }
        double worst = 0;
        worstName = null;
        for (String name : e.keySet()) {
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < e.get(name).length; i++) {
                diff = Math.max(diff, Math.abs(a.get(name)[i] - e.get(name)[i]));
                scale = Math.max(scale, Math.abs(e.get(name)[i]));
            }
            double error = scale == 0 ? diff : diff / scale;
            if (error > worst) {
                worst = error;
                worstName = name;
            }
        }
        return worst;
    }

    /** Names of the tensors whose bits differ. */
    static List<String> differingTensors(ResNet actual, ResNet expected) {
        Map<String, float[]> a = state(actual);
        Map<String, float[]> e = state(expected);
        List<String> differing = new ArrayList<>();
        for (String name : e.keySet()) {
            if (!java.util.Arrays.equals(a.get(name), e.get(name))) {
                differing.add(name);
            }
        }
        return differing;
    }
}
