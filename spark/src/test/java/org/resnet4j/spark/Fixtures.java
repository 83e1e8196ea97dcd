package org.resnet4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnet4j.data.Cifar10Dataset;

/** Small CIFAR-10-format data and local Spark contexts for the tests. */
final class Fixtures {
    static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private Fixtures() {
    }

    /** {@code n} random labelled images; each image's pixels lean towards its label, so there is something to learn. */
    static Cifar10Dataset dataset(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[n * Cifar10Dataset.IMAGE_BYTES];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) random.nextInt(Cifar10Dataset.CLASSES);
            for (int p = 0; p < Cifar10Dataset.IMAGE_BYTES; p++) {
                pixels[i * Cifar10Dataset.IMAGE_BYTES + p] = (byte) (random.nextInt(200) + 5 * labels[i]);
            }
        }
        return new Cifar10Dataset(pixels, labels, CLASS_NAMES);
    }

    /** Writes {@code dataset} as official binary files of {@code perFile} records; returns their paths in order. */
    static List<String> writeBinaryFiles(Cifar10Dataset dataset, int perFile, Path directory) throws IOException {
        List<String> files = new ArrayList<>();
        for (int start = 0, k = 1; start < dataset.size(); start += perFile, k++) {
            int count = Math.min(perFile, dataset.size() - start);
            byte[] bytes = new byte[count * Cifar10Input.RECORD_BYTES];
            for (int i = 0; i < count; i++) {
                bytes[i * Cifar10Input.RECORD_BYTES] = (byte) dataset.label(start + i);
                System.arraycopy(dataset.pixels(), Cifar10Dataset.offset(start + i), bytes,
                        i * Cifar10Input.RECORD_BYTES + 1, Cifar10Dataset.IMAGE_BYTES);
            }
            Path file = directory.resolve("data_batch_" + k + ".bin");
            Files.write(file, bytes);
            files.add(file.toString());
        }
        return files;
    }

    /** A local Spark context on the loopback interface, without the web UI. */
    static JavaSparkContext spark(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("resnet4j-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        return new JavaSparkContext(conf);
    }
}
