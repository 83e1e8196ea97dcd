package org.resnet4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.RandomCropFlip;
import org.resnet4j.serving.Labels;
import scala.Tuple2;

/**
 * CIFAR-10 records as Spark input: each record is one entry of the official binary files, {@value #RECORD_BYTES}
 * bytes (the label, then 3 x 32 x 32 pixels, channel planes in R, G, B order), which is what
 * {@code sparkContext.binaryRecords(file, 3073)} reads from any Hadoop file system. A sample is the single-process
 * loader's: the paper's pad-crop-flip drawn from (seed, epoch, index) by {@link RandomCropFlip#forImage}, then the
 * {@link Normalization}.
 *
 * <p>Safe to share between threads: it keeps the normalization's arrays, which nothing writes, and the normalization
 * built from them on first use (two threads racing there build equal ones).
 */
public final class Cifar10Input implements TrainingInput<byte[]> {
    public static final int RECORD_BYTES = 1 + Cifar10Dataset.IMAGE_BYTES;
    /** The five training files of the official archive, in order. */
    public static final List<String> TRAINING_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");

    // Normalization is not Serializable: its arrays travel, the record is rebuilt on the executor.
    private final float[] mean;
    private final float[] std;
    private transient Normalization normalization;

    public Cifar10Input(Normalization normalization) {
        this.mean = normalization.mean();
        this.std = normalization.std();
        this.normalization = normalization;
    }

    /** The records of {@code files} (any Hadoop path: local, hdfs://, s3a://), in file order then record order. */
    public static JavaRDD<byte[]> records(JavaSparkContext spark, List<String> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 files given");
        }
        List<JavaRDD<byte[]>> parts = new ArrayList<>();
        for (String file : files) {
            parts.add(spark.binaryRecords(file, RECORD_BYTES));
        }
        JavaRDD<byte[]> all = parts.getFirst();
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i));
        }
        return all;
    }

    /**
     * {@link Normalization#perChannel} of the records, computed by the executors: per-channel integer sums, which are
     * exact, so the result is the same bits as the single-process computation over the same images.
     */
    public static Normalization perChannel(JavaRDD<byte[]> records) {
        int c = Cifar10Dataset.CHANNELS;
        // The last slot counts labels out of range: this pass reads every record before training, so it checks them.
        long[] sums = records.aggregate(new long[2 * c + 2], (acc, record) -> {
            requireRecord(record);
            if (!validLabel(record)) {
                acc[2 * c + 1]++;
            }
            for (int channel = 0; channel < c; channel++) {
                int base = 1 + channel * Cifar10Dataset.PLANE;
                for (int p = 0; p < Cifar10Dataset.PLANE; p++) {
                    int v = record[base + p] & 0xFF;
                    acc[channel] += v;
                    acc[c + channel] += v * v;
                }
            }
            acc[2 * c]++;
            return acc;
        }, Cifar10Input::addInto);
        requireLabels(records, sums[2 * c + 1]);
        return Normalization.perChannel(Arrays.copyOfRange(sums, 0, c),
                Arrays.copyOfRange(sums, c, 2 * c), sums[2 * c] * Cifar10Dataset.PLANE);
    }

    /**
     * {@link Normalization#perPixelMean} of the records (the paper's mean image), computed by the executors from exact
     * integer sums per pixel value: the same bits as the single-process computation over the same images.
     */
    public static Normalization perPixelMean(JavaRDD<byte[]> records) {
        int values = Cifar10Dataset.IMAGE_BYTES;
        long[] sums = records.aggregate(new long[values + 2], (acc, record) -> {
            requireRecord(record);
            if (!validLabel(record)) {
                acc[values + 1]++;
            }
            for (int i = 0; i < values; i++) {
                acc[i] += record[1 + i] & 0xFF;
            }
            acc[values]++;
            return acc;
        }, Cifar10Input::addInto);
        requireLabels(records, sums[values + 1]);
        return Normalization.perPixelMean(Arrays.copyOf(sums, values), sums[values]);
    }

    private static boolean validLabel(byte[] record) {
        return (record[0] & 0xFF) < Cifar10Dataset.CLASSES; // unsigned: a byte of 200 is label 200, not -56
    }

    /**
     * Throws naming the first record with a label out of range, when there are {@code bad} of them. Finding it takes
     * another pass, made only then, so the statistics of good data cost one pass as before.
     */
    private static void requireLabels(JavaRDD<byte[]> records, long bad) {
        if (bad == 0) {
            return;
        }
        Tuple2<byte[], Long> first = records.zipWithIndex().filter(t -> !validLabel(t._1())).first();
        throw new IllegalArgumentException("CIFAR-10 record " + first._2() + " (0-based, counting through the files "
                + "in order) has label " + (first._1()[0] & 0xFF) + ", must be in 0.." + (Cifar10Dataset.CLASSES - 1)
                + (bad > 1 ? " (" + bad + " records have a label out of range)" : "") + ": is the input CIFAR-10's "
                + "binary format (not the Python pickles)?");
    }

    private static long[] addInto(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    public Normalization normalization() {
        if (normalization == null) {
            normalization = new Normalization(mean, std);
        }
        return normalization;
    }

    @Override
    public List<String> classNames() {
        return Labels.CIFAR10;
    }

    @Override
    public int channels() {
        return Cifar10Dataset.CHANNELS;
    }

    @Override
    public int height() {
        return Cifar10Dataset.HEIGHT;
    }

    @Override
    public int width() {
        return Cifar10Dataset.WIDTH;
    }

    @Override
    public int label(byte[] record) {
        requireRecord(record);
        int label = record[0] & 0xFF;
        if (label >= Cifar10Dataset.CLASSES) {
            throw new IllegalArgumentException("CIFAR-10 record with label " + label + ", must be in 0.."
                    + (Cifar10Dataset.CLASSES - 1) + ": is the input in the binary format (not the Python pickles)?");
        }
        return label;
    }

    @Override
    public void write(byte[] record, long index, long seed, int epoch, float[] out, int offset) {
        requireRecord(record);
        byte[] augmented = new byte[Cifar10Dataset.IMAGE_BYTES];
        RandomCropFlip.forImage(seed, epoch, Math.toIntExact(index)).apply(record, 1, augmented, 0);
        // NHWC: channel stride 1, pixel stride 3.
        normalization().apply(augmented, 0, out, offset, 1, Cifar10Dataset.CHANNELS);
    }

    private static void requireRecord(byte[] record) {
        if (record.length != RECORD_BYTES) {
            throw new IllegalArgumentException("a CIFAR-10 record has " + RECORD_BYTES + " bytes (label + 3x32x32 "
                    + "pixels), got " + record.length);
        }
    }
}
