package org.resnet4j.data;

/**
 * What a {@link BatchLoader} runs on its background thread: batches as a deterministic function of (epoch, batch
 * index). The loader's own sources cover every {@link Dataset} ({@link BatchLoader#training},
 * {@link BatchLoader#evaluation}) and image files under torchvision's transforms; implement this one for batches a
 * data set cannot describe (an augmentation of your own, images mixed together, data produced elsewhere) and run it
 * with {@link BatchLoader#of}.
 *
 * <p>Contract: {@link #fill} called with (epoch, batch) writes the same values every time, whatever was filled
 * before: a loader resumed at {@code LoaderState(epoch, batch)} relies on it. It writes {@link #batchLength} images
 * and their labels into a {@link Batch} the loader has made that long ({@link Batch#put} writes one image in the
 * batch's layout).
 *
 * <p>Threads: the loader calls {@link #fill} from its one background thread, never two calls at once, so a source may
 * keep scratch buffers; the other methods may be called from any thread and always return the same. A source that is
 * also {@link AutoCloseable} is closed when its loader is.
 */
public interface BatchSource {
    /** Images in a full batch, B >= 1. */
    int batchSize();

    /** Images in one epoch, N >= 1; a {@link LoaderState} records it, so that a resume on other data is refused. */
    int size();

    /** The side S of every image: a batch holds {@code [B, 3, S, S]} values. */
    int imageSize();

    /** The seed the source's order and augmentation are drawn from, recorded in the {@link LoaderState}; 0 if none. */
    long seed();

    /** Batches in one epoch, at least 1: usually {@code N / B} for training, {@code ceil(N / B)} for evaluation. */
    int batchesPerEpoch();

    /** Images in batch {@code batch} of every epoch: the batch size, or fewer for a short last batch. */
    default int batchLength(int batch) {
        return Math.min(batchSize(), size() - batch * batchSize());
    }

    /** Writes batch {@code batch} of {@code epoch} into {@code out}, which holds {@link #batchLength} images. */
    void fill(int epoch, int batch, Batch out);
}
