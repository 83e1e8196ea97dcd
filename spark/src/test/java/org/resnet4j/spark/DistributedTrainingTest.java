package org.resnet4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.serving.Labels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.train.TrainingDivergedException;
import org.resnet4j.train.TrainingStep;

/** Spark in local mode, two task threads: the distributed run against one process. */
class DistributedTrainingTest {
    static final ModelFactory RESNET20 = ModelFactory.named("resnet20", 10, null, 11);
    static final Cifar10Dataset DATASET = Fixtures.dataset(96, 5);
    static final Normalization NORMALIZATION = Normalization.perChannel(DATASET);
    static final Cifar10Input INPUT = new Cifar10Input(NORMALIZATION);
    /** 20 steps of batch 16 over 96 images: 6 steps an epoch with K = 1 or 2, and both learning-rate drops. */
    static final DistributedConfig CONFIG = DistributedConfig.defaults("resnet20", 2).withBatch(16)
            .withIterations(20).withCheckpointEvery(10).withSeed(5);

    private static JavaSparkContext spark;
    private static JavaRDD<byte[]> records;
    @TempDir
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        spark = Fixtures.spark("local[2]");
        records = Cifar10Input.records(spark, Fixtures.writeBinaryFiles(DATASET, 40, data));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static DistributedTrainer.Result run(JavaSparkContext context, JavaRDD<byte[]> input, ModelFactory factory,
            DistributedConfig config, Path directory) throws Exception {
        return DistributedTrainer.train(context, input, INPUT, factory, config, directory, false,
                NormalizationMetadata.toMetadata(NORMALIZATION));
    }

    @Test
    void normalizationComputedByTheExecutorsIsTheSingleProcessOne() {
        assertEquals(NORMALIZATION, Cifar10Input.perChannel(records));
        assertEquals(Normalization.perPixelMean(DATASET), Cifar10Input.perPixelMean(records));
    }

    @Test
    void twoWorkersGiveTheWeightsOfOneProcessWithPerShardBatchNorm(@TempDir Path run) throws Exception {
        DistributedTrainer.Result result = run(spark, records, RESNET20, CONFIG, run);
        ResNet reference = SingleProcess.train(DATASET, INPUT, RESNET20, CONFIG);
        double error = SingleProcess.relativeError(result.model(), reference);
        List<String> differing = SingleProcess.differingTensors(result.model(), reference);
        System.out.printf("K=2 vs one process, 20 steps: largest relative difference %.3g, %d of %d tensors differ in "
                + "any bit: %s%n", error, differing.size(), SingleProcess.state(reference).size(), differing);
        assertTrue(error <= 1e-5, "relative difference " + error);
        assertEquals(20, result.steps());
        assertEquals(2, result.segments().size());
        // One all-reduce per step of every gradient: each worker sends 2 (K - 1) / K of them, 4 bytes each.
        assertEquals(reference.parameterCount() * 4, result.segments().getFirst().bytesSent());
        assertTrue(Files.exists(run.resolve(DistributedTrainer.WEIGHTS_FILE)));
        // The checkpoint (step 20, the end) reads for inference as a run's checkpoint does: eval of a Spark run.
        Path checkpoint = run.resolve(SparkCheckpoint.FILE);
        assertEquals(java.util.Optional.of("resnet20"), ModelWeights.recordedModel(SafeTensors.read(checkpoint)));
        ResNet fromCheckpoint = RESNET20.create();
        ModelWeights.load(fromCheckpoint, checkpoint);
        assertEquals(List.of(), SingleProcess.differingTensors(fromCheckpoint, result.model()));
        // CIFAR-10's 32x32 images on a CIFAR network: its family's size, recorded nowhere.
        assertFalse(SafeTensors.read(run.resolve(DistributedTrainer.WEIGHTS_FILE)).metadata()
                .containsKey(ModelWeights.IMAGE_SIZE));
    }

    /** An ImageNet network trained on 32x32 images records the size, so that classify does not prepare them at 224. */
    @Test
    void anImageNetNetworkOnCifarRecordsItsImageSize(@TempDir Path run) throws Exception {
        run(spark, records, ModelFactory.named("resnet18", 10, null, 3), DistributedConfig.defaults("resnet18", 2)
                .withBatch(16).withIterations(1).withCheckpointEvery(10).withSeed(5), run);
        assertEquals("32", SafeTensors.read(run.resolve(DistributedTrainer.WEIGHTS_FILE)).metadata()
                .get(ModelWeights.IMAGE_SIZE));
        // Whole 32x32 images, so inference resizes to 32, not torchvision's 256/224 of it.
        assertEquals("32", SafeTensors.read(run.resolve(DistributedTrainer.WEIGHTS_FILE)).metadata()
                .get(ModelWeights.RESIZE));
        // The checkpoint too (eval or classify of a run still going), and both name CIFAR-10's classes: a 10-class
        // ImageNet network's default names are the indices.
        for (Path file : List.of(run.resolve(SparkCheckpoint.FILE), run.resolve(DistributedTrainer.WEIGHTS_FILE))) {
            Map<String, String> metadata = SafeTensors.read(file).metadata();
            assertEquals("32", metadata.get(ModelWeights.IMAGE_SIZE), file.toString());
            assertEquals("32", metadata.get(ModelWeights.RESIZE), file.toString());
            assertEquals(ModelWeights.STRIDE_ON_3X3, metadata.getOrDefault(ModelWeights.BOTTLENECK_STRIDE,
                    ModelWeights.STRIDE_ON_3X3), file.toString());
            assertEquals(String.join("\n", Labels.CIFAR10), metadata.get(ModelWeights.LABELS), file.toString());
        }
    }

    @Test
    void oneWorkerIsTheLibrarysSingleProcessTrainingBitForBit(@TempDir Path run) throws Exception {
        DistributedConfig config = CONFIG.withWorkers(1);
        DistributedTrainer.Result result = run(spark, records, RESNET20, config, run);
        ResNet model = RESNET20.create();
        Sgd optimizer = new Sgd(Kernels.active(), model.namedParameters(), config.momentum(), config.weightDecay(),
                false);
        TrainingStep step = new TrainingStep(model, optimizer, Kernels.active(), 0f);
        try (BatchLoader loader = BatchLoader.training(DATASET, NORMALIZATION).batchSize(16).seed(config.seed())
                .layout(Layout.NHWC).build()) {
            for (long i = 0; i < config.iterations(); i++) {
                var batch = loader.next();
                step.run(batch.tensor(), batch.labels(), config.learningRates().rate(i));
            }
        }
        assertEquals(List.of(), SingleProcess.differingTensors(result.model(), model));
    }

    /**
     * The checkpoint names its network by the config's model: a factory building another one (plain-20 under
     * "resnet20", the same tensors) would make weights that load into the wrong network without a word.
     */
    @Test
    void aFactoryBuildingAnotherNetworkThanTheConfigNamesIsRefused(@TempDir Path run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(spark, records, ModelFactory.named("plain20", 10, null, 3), CONFIG, run));
        assertEquals("the model factory builds plain20, but the config names resnet20; they must agree",
                e.getMessage());
    }

    @Test
    void workersThatBuildDifferentModelsStopTheRunWithAClearMessage(@TempDir Path run) {
        // Worker 1 stands for an executor with another build: it makes a ResNet-32.
        ModelFactory mismatched = () -> {
            TaskContext task = TaskContext.get();
            String name = task != null && task.partitionId() == 1 ? "resnet32" : "resnet20";
            return ResNets.create(name, org.resnet4j.models.ModelOptions.defaults(10));
        };
        long start = System.nanoTime();
        WorkerSetupException e = assertThrows(WorkerSetupException.class,
                () -> run(spark, records, mismatched, CONFIG, run));
        assertEquals("the workers built different models: worker 0 built "
                + ReplicaState.fingerprint(ResNets.create("resnet20", org.resnet4j.models.ModelOptions.defaults(10)))
                + ", worker 1 built "
                + ReplicaState.fingerprint(ResNets.create("resnet32", org.resnet4j.models.ModelOptions.defaults(10)))
                + ". Every worker must build the same network (same resnet4j version and model settings on every "
                + "executor)", e.getMessage());
        assertTrue(System.nanoTime() - start < 60e9, "stopped at once, not after retries");
    }

    @Test
    void unreachablePeersStopTheRunWithAClearMessage(@TempDir Path run) {
        // Each worker listens on 127.0.0.1 but tells the others 127.0.0.2, where nothing listens.
        DistributedConfig config = CONFIG.withNetwork(Duration.ofSeconds(2), Duration.ofSeconds(30), "127.0.0.1",
                "127.0.0.2");
        WorkerSetupException e = assertThrows(WorkerSetupException.class,
                () -> run(spark, records, RESNET20, config, run));
        assertTrue(e.getMessage().matches("worker [01] cannot reach worker [01] at 127\\.0\\.0\\.2.*tried for 2 s.*")
                || e.getMessage().matches("worker [01]: worker [01] did not connect to .* within 2 s.*"),
                e.getMessage());
        assertTrue(e.getMessage().contains("every executor must reach the others on any TCP port"), e.getMessage());
    }

    @Test
    void moreWorkersThanTaskSlotsIsRefusedBeforeAnyJob(@TempDir Path run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(spark, records, RESNET20, CONFIG.withWorkers(4), run));
        assertEquals("4 workers need 4 tasks running at once (a barrier stage starts all its tasks together), but "
                + "master local[2] runs 2; use local[4] or fewer workers", e.getMessage());
    }

    @Test
    void aDirectoryWithACheckpointIsNotOverwritten(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve(SparkCheckpoint.FILE), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(spark, records, RESNET20, CONFIG, run));
        assertTrue(e.getMessage().endsWith("holds a run's checkpoint: resume it, or give the new run another "
                + "checkpoint directory"), e.getMessage());
    }

    /**
     * A learning rate that diverges stops the run with the single-process trainer's exception, at once: it used to
     * train on and overwrite the checkpoint and the weights with NaN. Here two steps at the warm-up rate are
     * checkpointed (the run then gives up on an injected failure), and the resumed run diverges at 1e30.
     */
    @Test
    void aDivergingRunStopsWithoutRetryingAndKeepsTheLastCheckpoint(@TempDir Path run) throws Exception {
        DistributedConfig diverging = CONFIG.withIterations(4).withCheckpointEvery(2).withWarmup(2, 0.01)
                .withOptimizer(1e30, "paper", 0.9, 1e-4);
        assertThrows(IllegalStateException.class, () -> run(spark, records, RESNET20, diverging.withMaxAttempts(1)
                .withFailure(new DistributedConfig.InjectedFailure(2, 0)), run));
        byte[] checkpoint = Files.readAllBytes(run.resolve(SparkCheckpoint.FILE));
        // The group a segment sets stays on the thread for later jobs: cleared, the count below holds segments only.
        spark.clearJobGroup();
        int jobsBefore = spark.statusTracker().getJobIdsForGroup("resnet4j-steps-2").length;

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> DistributedTrainer.train(
                spark, records, INPUT, RESNET20, diverging, run, true, NormalizationMetadata.toMetadata(NORMALIZATION)));

        assertTrue(e.getMessage().startsWith("training diverged: "), e.getMessage());
        assertTrue(e.iteration() >= 2 && e.iteration() < 4, e.getMessage());
        assertArrayEquals(checkpoint, Files.readAllBytes(run.resolve(SparkCheckpoint.FILE)));
        assertFalse(Files.exists(run.resolve(DistributedTrainer.WEIGHTS_FILE)));
        assertEquals(jobsBefore + 1, spark.statusTracker().getJobIdsForGroup("resnet4j-steps-2").length,
                "the diverged segment ran once, not retried as a fault");
    }

    /**
     * Diverging in the first segment leaves the directory without a checkpoint or weights; both checks name the step:
     * the weights after a segment (an update can overflow while its loss was finite), and the losses in it. A rate of
     * 1e300 is infinite as a float: step 0's update leaves weights that are not finite, and step 1's loss is NaN.
     */
    @Test
    void aRunDivergingBeforeItsFirstCheckpointWritesNothing(@TempDir Path weightsRun, @TempDir Path lossRun)
            throws Exception {
        DistributedConfig diverging = CONFIG.withIterations(2).withOptimizer(1e300, "paper", 0.9, 1e-4);

        TrainingDivergedException weights = assertThrows(TrainingDivergedException.class,
                () -> run(spark, records, RESNET20, diverging.withCheckpointEvery(1), weightsRun));
        TrainingDivergedException loss = assertThrows(TrainingDivergedException.class,
                () -> run(spark, records, RESNET20, diverging.withCheckpointEvery(2), lossRun));

        assertTrue(weights.getMessage().startsWith("training diverged: the update of iteration 0 left "),
                weights.getMessage());
        assertTrue(loss.getMessage().startsWith("training diverged: the loss at iteration 1 is "), loss.getMessage());
        for (Path run : List.of(weightsRun, lossRun)) {
            try (var files = Files.list(run)) {
                assertEquals(List.of(), files.toList());
            }
        }
    }

    /**
     * A checkpoint directory the run cannot write fails before any training, naming it: the first checkpoint used to
     * fail after the first segment, with the JDK's bare path (here a file stands where the directory should be).
     */
    @Test
    void aCheckpointDirectoryThatCannotBeWrittenIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("runs"), "not a directory");
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> run(spark, records, RESNET20, CONFIG, file));
        assertEquals(file.toString(), e.getFile());
        assertEquals(file + ": cannot write checkpoints into this directory: not a directory", e.getMessage());
    }

    /** A directory without write permission: found by a probe file before the first segment (not as root). */
    @Test
    void aReadOnlyCheckpointDirectoryIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("runs"));
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "root writes any directory");
            int jobsBefore = spark.statusTracker().getJobIdsForGroup("resnet4j-steps-0").length;
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> run(spark, records, RESNET20, CONFIG, readOnly));
            assertEquals(readOnly + ": cannot write checkpoints into this directory: permission denied",
                    e.getMessage());
            assertEquals(jobsBefore, spark.statusTracker().getJobIdsForGroup("resnet4j-steps-0").length,
                    "no segment ran");
        } finally {
            Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** {@link #DATASET}'s records, record 57's label byte set to 200 (read as a signed byte, it was "label -56"). */
    private static JavaRDD<byte[]> recordsWithLabel200() {
        List<byte[]> list = new java.util.ArrayList<>();
        for (int i = 0; i < DATASET.size(); i++) {
            byte[] record = new byte[Cifar10Input.RECORD_BYTES];
            record[0] = (byte) (i == 57 ? 200 : DATASET.label(i));
            System.arraycopy(DATASET.pixels(), Cifar10Dataset.offset(i), record, 1, Cifar10Dataset.IMAGE_BYTES);
            list.add(record);
        }
        return spark.parallelize(list, 2);
    }

    /** The statistics read every record before training: a label out of range is found there, by its position. */
    @Test
    void aLabelOutOfRangeIsFoundByTheStatisticsPassNamingTheRecord() {
        JavaRDD<byte[]> bad = recordsWithLabel200();
        for (org.junit.jupiter.api.function.Executable statistics : List.<org.junit.jupiter.api.function.Executable>of(
                () -> Cifar10Input.perChannel(bad), () -> Cifar10Input.perPixelMean(bad))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, statistics);
            assertTrue(e.getMessage().startsWith("CIFAR-10 record 57 (0-based, counting through the files in order) "
                    + "has label 200, must be in 0..9"), e.getMessage());
        }
    }

    /** Met in training (statistics given, not computed), a bad record stops the run at once, not after retries. */
    @Test
    void aLabelOutOfRangeMetInTrainingStopsTheRunWithoutRetrying(@TempDir Path run) {
        WorkerSetupException e = assertThrows(WorkerSetupException.class,
                () -> run(spark, recordsWithLabel200(), RESNET20, CONFIG, run));
        assertTrue(e.getMessage().startsWith("record 57 of the input: CIFAR-10 record with label 200, must be in "
                + "0..9"), e.getMessage());
    }
}
