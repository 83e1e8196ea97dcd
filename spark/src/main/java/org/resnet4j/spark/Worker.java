package org.resnet4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.Evaluation;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One barrier task: worker {@code rank} of K for the steps {@code [from, to)} of a run (one segment, between two
 * checkpoints). It reads its shard, builds its replica from the driver's state, meets the others
 * ({@link BarrierTaskContext#allGather}: addresses and model fingerprints), connects the ring, and trains: forward
 * and backward on its part of the global batch, gradients summed over the workers and divided by K (the gradient of
 * the global batch's mean loss), the same SGD step everywhere. It returns its report and, from worker 0, the state.
 *
 * <p>Batch norm is per replica (PyTorch DDP without SyncBatchNorm): each worker normalizes with its own shard's batch
 * statistics, and its running statistics follow its own shard; the model's running statistics are worker 0's (what
 * DDP's default {@code broadcast_buffers} makes them).
 */
final class Worker<R> extends AbstractFunction1<scala.collection.Iterator<Tuple2<Long, R>>,
        scala.collection.Iterator<SegmentOutput>> implements Serializable {
    /** Bytes per state piece sent back to the driver. */
    private static final int PIECE_BYTES = 4 << 20;

    private final DistributedConfig config;
    private final Shards shards;
    private final TrainingInput<R> input;
    private final ModelFactory factory;
    private final Broadcast<byte[]> state;
    private final long from;
    private final long to;
    private final int attempt;

    Worker(DistributedConfig config, Shards shards, TrainingInput<R> input, ModelFactory factory,
            Broadcast<byte[]> state, long from, long to, int attempt) {
        this.config = config;
        this.shards = shards;
        this.input = input;
        this.factory = factory;
        this.state = state;
        this.from = from;
        this.to = to;
        this.attempt = attempt;
    }

    @Override
    public scala.collection.Iterator<SegmentOutput> apply(scala.collection.Iterator<Tuple2<Long, R>> partition) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        long started = System.nanoTime();
        List<R> records = shard(rank, CollectionConverters.asJava(partition));
        ResNet model = factory.create();
        Sgd optimizer = new Sgd(Kernels.active(), model.namedParameters(), config.momentum(), config.weightDecay(),
                false);
        try (Ring ring = meet(context, rank, model)) {
            try {
                ReplicaState.restore(model, optimizer, state.value(), "the driver's state at step " + from);
            } catch (IOException e) {
                throw new WorkerSetupException("worker " + rank + " cannot load the driver's state into its "
                        + ReplicaState.fingerprint(model) + ": " + e.getMessage(), e);
            }
            double setup = seconds(started);
            Thread watchdog = Thread.ofPlatform().daemon().name("resnet4j-worker-watchdog-" + rank).start(() -> {
                // Spark marks a task killed (another worker failed) without necessarily interrupting it; a worker
                // blocked on a socket would never look. Closing the ring wakes it.
                while (!Thread.currentThread().isInterrupted()) {
                    if (context.isInterrupted()) {
                        ring.allReduce.close();
                        return;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                return CollectionConverters.asScala(train(context, rank, records, model, optimizer, ring, setup)
                        .iterator());
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            throw new IllegalStateException("worker " + rank + " (steps " + from + ".." + to + "): " + e.getMessage(),
                    e);
        }
    }

    /** The records of this worker's shard, in index order; checks that exactly the shard arrived. */
    @SuppressWarnings("unchecked")
    private List<R> shard(int rank, Iterator<Tuple2<Long, R>> partition) {
        int size = shards.shardSize();
        Object[] records = new Object[size];
        int count = 0;
        while (partition.hasNext()) {
            Tuple2<Long, R> record = partition.next();
            int local = shards.local(record._1());
            if (shards.owner(record._1()) != rank || records[local] != null) {
                throw new IllegalStateException("worker " + rank + " received record " + record._1() + ", which is "
                        + (shards.owner(record._1()) == rank ? "a duplicate" : "not of its shard (every "
                        + shards.workers() + "th record from " + rank + ")"));
            }
            records[local] = record._2();
            count++;
        }
        if (count != size) {
            throw new IllegalStateException("worker " + rank + " received " + count + " records of its shard of "
                    + size + ": did the input change between jobs? (it must read the same records every time)");
        }
        List<R> list = new ArrayList<>(size);
        for (Object r : records) {
            list.add((R) r);
        }
        return list;
    }

    /** The rendezvous: every worker's address and model, then the ring. */
    private Ring meet(BarrierTaskContext context, int rank, ResNet model) throws IOException {
        String fingerprint = ReplicaState.fingerprint(model);
        ServerSocket server = config.workers() > 1 ? new ServerSocket(0, 16, config.bindHost() == null ? null
                : InetAddress.getByName(config.bindHost())) : null;
        try {
            String host = config.advertiseHost() != null ? config.advertiseHost()
                    : hostOf(context.getTaskInfos()[rank].address());
            int port = server == null ? 0 : server.getLocalPort();
            String[] all = context.allGather(host + "\n" + port + "\n" + fingerprint);
            List<InetSocketAddress> peers = new ArrayList<>();
            List<String> mismatches = new ArrayList<>();
            String[] first = all[0].split("\n", 3);
            for (int r = 0; r < all.length; r++) {
                String[] fields = all[r].split("\n", 3);
                peers.add(InetSocketAddress.createUnresolved(fields[0], Integer.parseInt(fields[1])));
                if (!fields[2].equals(first[2])) {
                    mismatches.add("worker " + r + " built " + fields[2]);
                }
            }
            if (!mismatches.isEmpty()) {
                throw new WorkerSetupException("the workers built different models: worker 0 built " + first[2] + ", "
                        + String.join(", ", mismatches) + ". Every worker must build the same network (same "
                        + "resnet4j version and model settings on every executor)");
            }
            List<InetSocketAddress> resolved = new ArrayList<>();
            for (InetSocketAddress peer : peers) {
                resolved.add(new InetSocketAddress(peer.getHostString(), peer.getPort()));
            }
            String session = "stage " + context.stageId() + " attempt " + context.stageAttemptNumber() + " of "
                    + all.length;
            return new Ring(server, RingAllReduce.connect(rank, resolved, server, session, config.connectTimeout(),
                    config.peerTimeout()));
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            throw e;
        }
    }

    private static String hostOf(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = colon > 0 ? address.substring(0, colon) : address;
        return host.isEmpty() ? InetAddress.getLocalHost().getHostAddress() : host;
    }

    private List<SegmentOutput> train(BarrierTaskContext context, int rank, List<R> records, ResNet model,
            Sgd optimizer, Ring ring, double setupSeconds) throws IOException {
        Kernels kernels = Kernels.active();
        int b = shards.batch();
        int sample = input.sampleSize();
        float[] images = new float[b * sample];
        int[] labels = new int[b];
        Tensor batch = Tensor.wrap(images, Shape.of(b, input.channels(), input.height(), input.width()), Layout.NHWC);
        List<Parameter> parameters = new ArrayList<>(model.namedParameters().values());
        long length = 0;
        for (Parameter p : parameters) {
            length += p.grad().size();
        }
        float[] gradients = new float[Math.toIntExact(length)];
        float[] probabilities = null;
        Tensor gradLogits = null;
        int[] order = null;
        int orderEpoch = -1;
        double lossSum = 0;
        long divergedStep = -1;
        double divergedLoss = 0;
        long correct = 0;
        double compute = 0;
        double allReduce = 0;
        for (long step = from; step < to; step++) {
            long t0 = System.nanoTime();
            int epoch = Math.toIntExact(step / shards.stepsPerEpoch());
            int position = (int) (step % shards.stepsPerEpoch()) * b;
            if (epoch != orderEpoch) {
                order = shards.order(config.seed(), epoch, rank);
                orderEpoch = epoch;
            }
            for (int k = 0; k < b; k++) {
                int local = order[position + k];
                R record = records.get(local);
                long index = shards.index(rank, local);
                try {
                    input.write(record, index, config.seed(), epoch, images, k * sample);
                    labels[k] = input.label(record);
                } catch (IllegalArgumentException e) {
                    // A malformed record stays malformed: stop the run at once rather than retry the segment.
                    throw new WorkerSetupException("record " + index + " of the input: " + e.getMessage(), e);
                }
            }
            Tensor logits = model.forward(batch, true);
            int classes = logits.shape().dim(1);
            if (probabilities == null) {
                probabilities = new float[logits.size()];
                gradLogits = Tensor.zeros(Shape.of(b, classes), Layout.NCHW);
            }
            double loss = kernels.loss().softmaxCrossEntropyForward(b, classes, logits.data(), labels, 0f,
                    probabilities);
            if (!Double.isFinite(loss) && divergedStep < 0) {
                // Not stopped here: the others would wait for this worker's gradients. The driver refuses the state.
                divergedStep = step;
                divergedLoss = loss;
            }
            lossSum += loss;
            correct += Evaluation.countCorrect(logits.data(), labels, b, classes);
            kernels.loss().softmaxCrossEntropyBackward(b, classes, probabilities, labels, 0f, gradLogits.data());
            optimizer.zeroGrad();
            model.backward(gradLogits);
            if (config.failure() != null && config.failure().step() == step && config.failure().rank() == rank
                    && attempt == 0) {
                throw new IllegalStateException("injected failure: worker " + rank + " stops at step " + step
                        + " (first attempt of steps " + from + ".." + to + ")");
            }
            long t1 = System.nanoTime();
            if (config.workers() > 1) {
                flatten(parameters, gradients);
                ring.allReduce.sum(gradients);
                int k = config.workers();
                for (int i = 0; i < gradients.length; i++) {
                    gradients[i] /= k;
                }
                unflatten(gradients, parameters);
            }
            long t2 = System.nanoTime();
            optimizer.step(config.learningRates().rate(step));
            compute += (t1 - t0 + System.nanoTime() - t2) / 1e9;
            allReduce += (t2 - t1) / 1e9;
        }
        long hash = ReplicaState.hash(model, optimizer);
        String[] gathered = context.allGather(hash + " " + divergedStep);
        // Once the loss is NaN the replicas' NaNs may differ in their bits: the driver reports the divergence, not a
        // mismatch (which it would take for a fault and retry).
        boolean anyDiverged = false;
        for (String g : gathered) {
            anyDiverged |= Long.parseLong(g.split(" ")[1]) >= 0;
        }
        for (int r = 0; r < gathered.length && !anyDiverged; r++) {
            if (Long.parseLong(gathered[r].split(" ")[0]) != hash) {
                throw new IllegalStateException("replicas diverged: after step " + to + " worker " + r + "'s weights "
                        + "differ from worker " + rank + "'s (every replica should apply the same update)");
            }
        }
        List<SegmentOutput> outputs = new ArrayList<>();
        outputs.add(new SegmentOutput.WorkerReport(rank, lossSum, correct, (to - from) * b, hash,
                ring.allReduce.bytesSent(), setupSeconds, compute, allReduce, divergedStep, divergedLoss));
        if (rank == 0) {
            byte[] bytes = ReplicaState.capture(model, optimizer, java.util.Map.of());
            for (int i = 0; i * (long) PIECE_BYTES < bytes.length; i++) {
                int start = i * PIECE_BYTES;
                outputs.add(new SegmentOutput.StatePiece(i, java.util.Arrays.copyOfRange(bytes, start,
                        Math.min(bytes.length, start + PIECE_BYTES))));
            }
        }
        return outputs;
    }

    private static void flatten(List<Parameter> parameters, float[] flat) {
        int offset = 0;
        for (Parameter p : parameters) {
            float[] g = p.grad().data();
            System.arraycopy(g, 0, flat, offset, g.length);
            offset += g.length;
        }
    }

    private static void unflatten(float[] flat, List<Parameter> parameters) {
        int offset = 0;
        for (Parameter p : parameters) {
            float[] g = p.grad().data();
            System.arraycopy(flat, offset, g, 0, g.length);
            offset += g.length;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The listening socket and the ring, closed together. */
    private record Ring(ServerSocket server, RingAllReduce allReduce) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            allReduce.close();
            if (server != null) {
                server.close();
            }
        }
    }
}
