package org.resnet4j.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.FileErrors;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.optim.Sgd;
import org.resnet4j.train.FiniteState;
import org.resnet4j.train.TrainingDivergedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs synchronous data-parallel training on a Spark cluster and keeps its checkpoints on the driver.
 *
 * <p>The run is cut into segments at the checkpoints (every {@code checkpointEvery} steps). Each segment is one Spark
 * job with one barrier stage of K tasks ({@link Worker}) that starts from the driver's state — broadcast as
 * safetensors bytes — and returns worker 0's state at its end; the driver then writes the checkpoint atomically,
 * unless a loss or a value of that state is NaN or infinite (then the run stops, as the single-process trainer does,
 * with {@link org.resnet4j.train.TrainingDivergedException}, and the last checkpoint stays). When
 * a task or an executor fails, Spark stops every task of the stage and the driver runs the segment again from the
 * same state, the last checkpoint; because the data order, the augmentation and the kernels are deterministic, the run
 * then ends on exactly the weights an unfailed run ends on. (Spark itself does not retry a failed barrier stage whose
 * tasks return results to the driver; a failure the retry cannot fix — workers that built different models, a worker
 * that cannot reach its neighbour, a malformed record — stops the run at once instead of {@code maxAttempts} times.)
 *
 * <p>Holds no state: each run builds its own model and optimizer and drives the cluster from the calling thread until
 * it ends; two runs at once must not share a checkpoint directory.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
    public static final String WEIGHTS_FILE = "model.safetensors";
    private static final Pattern SETUP_FAILURE = Pattern.compile(
            Pattern.quote(WorkerSetupException.class.getName()) + ": ([^\\n]*)");

    private DistributedTrainer() {
    }

    /**
     * One segment as it went. Immutable; safe to share between threads.
     *
     * @param attempts         1 when it ran through the first time
     * @param meanLoss         mean over steps and workers of the shard losses
     * @param trainError       share of the segment's images classified wrong before their update
     * @param bytesSent        gradient bytes one worker sent per step (it received as many)
     * @param setupSeconds     the slowest worker's setup (reading its shard, building its replica, connecting)
     * @param computeSeconds   the slowest worker's forward, backward and SGD time
     * @param allReduceSeconds the slowest worker's time in the all-reduce (waiting for slower workers included)
     * @param loopSeconds      the slowest worker's training loop (its compute and all-reduce time): the segment's
     *                         steps without the job's start-up
     */
    public record Segment(long from, long to, int attempts, double seconds, double meanLoss, double trainError,
                          long bytesSent, double setupSeconds, double computeSeconds, double allReduceSeconds,
                          double loopSeconds) {
    }

    /**
     * The trained replica (worker 0's state at the end) and the segments that made it. The segment list is immutable;
     * the model is a live {@link ResNet}, the caller's, shared between threads only as {@link ResNet} allows
     * (inference from many at once, training and weight updates from one).
     */
    public record Result(ResNet model, long steps, List<Segment> segments) {
        public Result {
            segments = List.copyOf(segments);
        }
    }

    /**
     * Trains a model from {@code factory} on {@code records} until {@code config.iterations()} steps.
     *
     * @param checkpointDir where the driver writes {@value SparkCheckpoint#FILE} and, at the end,
     *                      {@value #WEIGHTS_FILE}; created if missing
     * @param resume        continue from the checkpoint there (it must be of the same recipe and data set size, and
     *                      record the same {@code metadata})
     * @param metadata      extra metadata for the checkpoints and the final weights (e.g. the input normalization)
     * @throws TrainingDivergedException  when a loss, weight, running statistic or momentum value of a segment is NaN
     *                                    or infinite: the segment is not retried and its checkpoint not written, so the
     *                                    last one (if any) stays as it was
     * @throws FileSystemException        naming {@code checkpointDir}, before any training, when no file can be made
     *                                    in it
     */
    public static <R> Result train(JavaSparkContext spark, JavaRDD<R> records, TrainingInput<R> input,
            ModelFactory factory, DistributedConfig config, Path checkpointDir, boolean resume,
            Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        requireSlots(spark, config.workers());
        requireWritable(checkpointDir);
        AtomicFiles.deleteLeftovers(checkpointDir.resolve(SparkCheckpoint.FILE));
        AtomicFiles.deleteLeftovers(checkpointDir.resolve(WEIGHTS_FILE));

        JavaPairRDD<Long, R> indexed = records.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
        long datasetSize = indexed.count();
        Shards shards = new Shards(datasetSize, config.workers(), config.batchPerWorker());
        JavaPairRDD<Long, R> sharded = indexed.filter(t -> shards.owner(t._1()) >= 0)
                .partitionBy(new ShardPartitioner(shards));

        ResNet model = factory.create();
        if (!model.architecture().name().equals(config.model())) {
            // The checkpoint names its network by the config's model; plain and residual networks of one depth have
            // the same tensors, so a mismatch would load into the wrong network later without a word.
            throw new IllegalArgumentException("the model factory builds " + model.architecture().name()
                    + ", but the config names " + config.model() + "; they must agree");
        }
        Sgd optimizer = new Sgd(Kernels.active(), model.namedParameters(), config.momentum(), config.weightDecay(),
                false);
        long step = 0;
        if (resume) {
            SparkCheckpoint.Loaded loaded = SparkCheckpoint.read(checkpointDir, config, datasetSize, metadata);
            ReplicaState.restore(model, optimizer, loaded.state(), checkpointDir.resolve(SparkCheckpoint.FILE)
                    .toString());
            step = loaded.step();
            LOG.info("resuming at step {} from {}", step, checkpointDir.resolve(SparkCheckpoint.FILE));
        } else if (Files.exists(checkpointDir.resolve(SparkCheckpoint.FILE))) {
            throw new IllegalArgumentException(checkpointDir + " holds a run's checkpoint: resume it, or give the new "
                    + "run another checkpoint directory");
        }
        LOG.info("{} workers, {} images per worker per step, {} records in shards of {}, {} steps per epoch", 
                config.workers(), shards.batch(), datasetSize, shards.shardSize(), shards.stepsPerEpoch());

        // What inference reads besides the tensors, in the checkpoints too (as single-process training writes them):
        // eval, classify and export of a run still going prepare images at the size it trains at, build its layout and
        // name its classes. Not compared on resume: checkpoints written before it lack it.
        Map<String, String> inference = inferenceMetadata(model, input);
        List<Segment> segments = new ArrayList<>();
        while (step < config.iterations()) {
            long to = Math.min((step / config.checkpointEvery() + 1) * config.checkpointEvery(), config.iterations());
            byte[] state = ReplicaState.capture(model, optimizer, Map.of());
            Broadcast<byte[]> broadcast = spark.broadcast(state);
            try {
                Segment segment = runSegment(spark, sharded, input, factory, config, shards, broadcast, step, to,
                        model, optimizer);
                segments.add(segment);
            } finally {
                broadcast.destroy();
            }
            step = to;
            Map<String, String> checkpointMetadata = SparkCheckpoint.metadata(config, step, datasetSize, metadata);
            checkpointMetadata.putAll(inference);
            SparkCheckpoint.write(checkpointDir, ReplicaState.capture(model, optimizer, checkpointMetadata));
        }
        Map<String, String> weightsMetadata = new LinkedHashMap<>();
        weightsMetadata.put("model", model.architecture().name());
        weightsMetadata.put("iterations", Long.toString(step));
        weightsMetadata.putAll(metadata);
        weightsMetadata.putAll(inference);
        StateDicts.save(model, checkpointDir.resolve(WEIGHTS_FILE), weightsMetadata);
        return new Result(model, step, segments);
    }

    /** The layout, the trained image size and the class names, as single-process training records them. */
    private static Map<String, String> inferenceMetadata(ResNet model, TrainingInput<?> input) {
        Map<String, String> inference = new LinkedHashMap<>(ModelWeights.layoutMetadata(model));
        if (input.height() == input.width()) {
            inference.putAll(ModelWeights.trainedImageMetadata(model.architecture().family(), input.height()));
        }
        if (input.classNames().size() == model.classes()) {
            inference.put(ModelWeights.LABELS, String.join("\n", input.classNames()));
        }
        return inference;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <R> Segment runSegment(JavaSparkContext spark, JavaPairRDD<Long, R> sharded,
            TrainingInput<R> input, ModelFactory factory, DistributedConfig config, Shards shards,
            Broadcast<byte[]> broadcast, long from, long to, ResNet model, Sgd optimizer) throws IOException {
        ClassTag<SegmentOutput> tag = ClassTag$.MODULE$.apply(SegmentOutput.class);
        for (int attempt = 0; ; attempt++) {
            long started = System.nanoTime();
            spark.setJobGroup("resnet4j-steps-" + from, "resnet4j steps " + from + ".." + to + " (attempt "
                    + (attempt + 1) + ")", true);
            Worker<R> worker = new Worker<>(config, shards, input, factory, broadcast, from, to, attempt);
            List<SegmentOutput> outputs;
            try {
                RDD<SegmentOutput> trained = sharded.rdd().barrier().mapPartitions((Worker) worker, false, tag);
                outputs = new JavaRDD<>(trained, tag).collect();
            } catch (Exception e) { // SparkException, which Scala throws undeclared
                String reason = String.valueOf(e.getMessage());
                Matcher setup = SETUP_FAILURE.matcher(reason);
                if (setup.find()) {
                    throw new WorkerSetupException(setup.group(1), e);
                }
                if (attempt + 1 >= config.maxAttempts()) {
                    throw new IllegalStateException("steps " + from + ".." + to + " failed " + config.maxAttempts()
                            + " times; the checkpoint at step " + from + " holds the run (resume from it). Last "
                            + "failure: " + summary(reason), e);
                }
                LOG.warn("steps {}..{} failed (attempt {} of {}): {}; restarting them from the checkpoint at step {}",
                        from, to, attempt + 1, config.maxAttempts(), summary(reason), from);
                continue;
            }
            return collect(outputs, config, from, to, attempt + 1, (System.nanoTime() - started) / 1e9, model,
                    optimizer);
        }
    }

    private static Segment collect(List<SegmentOutput> outputs, DistributedConfig config, long from, long to,
            int attempts, double seconds, ResNet model, Sgd optimizer) throws IOException {
        List<SegmentOutput.WorkerReport> reports = new ArrayList<>();
        List<SegmentOutput.StatePiece> pieces = new ArrayList<>();
        for (SegmentOutput output : outputs) {
            switch (output) {
                case SegmentOutput.WorkerReport report -> reports.add(report);
                case SegmentOutput.StatePiece piece -> pieces.add(piece);
            }
        }
        if (reports.size() != config.workers() || pieces.isEmpty()) {
            throw new IllegalStateException("steps " + from + ".." + to + ": expected reports of " + config.workers()
                    + " workers and worker 0's state, got " + reports.size() + " reports and " + pieces.size()
                    + " state pieces");
        }
        pieces.sort(Comparator.comparingInt(SegmentOutput.StatePiece::index));
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        for (SegmentOutput.StatePiece piece : pieces) {
            state.write(piece.bytes());
        }
        // Before the replicas' hashes: NaN weights may differ in their bits from worker to worker.
        SegmentOutput.WorkerReport first = null;
        for (SegmentOutput.WorkerReport report : reports) {
            if (report.divergedStep() >= 0 && (first == null || report.divergedStep() < first.divergedStep())) {
                first = report;
            }
        }
        if (first != null) {
            throw new TrainingDivergedException(first.divergedStep(), first.divergedLoss());
        }
        byte[] bytes = state.toByteArray();
        String source = "worker 0's state at step " + to;
        // Before the load, which would refuse a NaN as a damaged file's: a run that diverged says so.
        SafeTensorsFile read = SafeTensors.read(source, bytes);
        FiniteState.require(read, to - 1);
        ReplicaState.restore(model, optimizer, read, source);
        long hash = ReplicaState.hash(model, optimizer);
        double lossSum = 0;
        long correct = 0;
        long images = 0;
        double setup = 0;
        double compute = 0;
        double allReduce = 0;
        double loop = 0;
        for (SegmentOutput.WorkerReport report : reports) {
            if (report.replicaHash() != hash) {
                throw new IllegalStateException("steps " + from + ".." + to + ": worker " + report.rank() + "'s "
                        + "replica differs from worker 0's state");
            }
            lossSum += report.lossSum();
            correct += report.correct();
            images += report.images();
            setup = Math.max(setup, report.setupSeconds());
            compute = Math.max(compute, report.computeSeconds());
            allReduce = Math.max(allReduce, report.allReduceSeconds());
            loop = Math.max(loop, report.computeSeconds() + report.allReduceSeconds());
        }
        long steps = to - from;
        Segment segment = new Segment(from, to, attempts, seconds, lossSum / (steps * config.workers()),
                1 - (double) correct / images, reports.getFirst().bytesSent() / steps, setup, compute, allReduce, loop);
        LOG.info(String.format(java.util.Locale.ROOT, "steps %d..%d: loss %.4f, train error %.2f%%, %.1f images/s "
                + "(%.1f s with the job's start-up), all-reduce %.0f%% of the step (%d bytes sent per worker per "
                + "step)%s", from, to, segment.meanLoss(), 100 * segment.trainError(), images / Math.max(1e-9, loop),
                seconds,
                100 * allReduce / Math.max(1e-9, compute + allReduce),
                segment.bytesSent(), attempts > 1 ? ", after " + (attempts - 1) + " failed attempt(s)" : ""));
        return segment;
    }

    /**
     * Creates the checkpoint directory if missing and checks that files can be made in it, so that a directory the
     * run cannot write fails now, naming it, rather than after the first segment's training.
     */
    private static void requireWritable(Path checkpointDir) throws IOException {
        try {
            Files.createDirectories(checkpointDir);
            Files.delete(Files.createTempFile(checkpointDir, ".write-probe-", ".tmp"));
        } catch (IOException e) {
            // The JDK's own message can be the bare path (a file in the directory's place, a denied directory).
            String reason = Files.exists(checkpointDir) && !Files.isDirectory(checkpointDir) ? "not a directory"
                    : FileErrors.reason(e);
            FileSystemException named = new FileSystemException(checkpointDir.toString(), null,
                    "cannot write checkpoints into this directory: " + reason);
            named.initCause(e);
            throw named;
        }
    }

    /**
     * The failed task's exception line from Spark's report ("Job aborted due to stage failure: ... finished
     * unsuccessfully.", then the task's exception and its stack), or the report's first line.
     */
    static String summary(String report) {
        String[] lines = report.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank() && !Character.isWhitespace(lines[i].charAt(0))) {
                return lines[i];
            }
        }
        return lines[0];
    }

    /** A barrier stage starts all K tasks at once: in local mode the master must run K tasks at a time. */
    private static void requireSlots(JavaSparkContext spark, int workers) {
        String master = spark.master();
        Matcher local = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?").matcher(master);
        if (!local.matches()) {
            return; // On a cluster, Spark checks the slots itself when it submits the barrier stage.
        }
        String threads = local.group(1);
        int slots = threads == null ? 1 : threads.equals("*") ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(threads);
        if (workers > slots) {
            throw new IllegalArgumentException(workers + " workers need " + workers + " tasks running at once (a "
                    + "barrier stage starts all its tasks together), but master " + master + " runs " + slots
                    + "; use local[" + workers + "] or fewer workers");
        }
    }
}
