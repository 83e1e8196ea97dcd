package org.resnet4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What turns one input record into a training sample: the pluggable side of the data path. The trainer numbers the
 * records of the input RDD 0..N-1, gives each worker the records of its shard ({@link Shards}) and asks this for the
 * sample of a record in an epoch; the augmentation must depend on (seed, epoch, record index) only, so that any step
 * can be recomputed (which is what makes a restart from a checkpoint exact).
 *
 * <p>{@link Cifar10Input} reads records of the CIFAR-10 binary format. An image-folder input plugs in the same way
 * with a record of (file bytes or path, label), decoding with {@code org.resnet4j.images} and drawing its
 * {@code TrainingTransform} from (seed, epoch, index).
 *
 * <p>Threads: each worker task calls it from one thread, on the copy that task deserialized, and the driver asks only
 * for the sizes; an implementation need not be thread-safe, though one without mutable state (as {@link Cifar10Input})
 * is.
 *
 * @param <R> the record type of the input RDD
 */
public interface TrainingInput<R> extends Serializable {
    int channels();

    int height();

    int width();

    /** The class of {@code record}. */
    int label(R record);

    /**
     * Writes the sample of {@code record} (index {@code index} in the data set) for {@code epoch}, normalized, NHWC:
     * {@code out[offset + (y * width + x) * channels + c]}, {@code height * width * channels} values.
     */
    void write(R record, long index, long seed, int epoch, float[] out, int offset);

    /**
     * The names of the classes in label order, recorded in the weights when they are as many as the network's classes
     * (what {@code classify} and {@code serve} print); empty when the input does not know them.
     */
    default List<String> classNames() {
        return List.of();
    }

    default int sampleSize() {
        return channels() * height() * width();
    }
}
