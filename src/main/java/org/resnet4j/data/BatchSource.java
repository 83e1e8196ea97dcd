package org.resnet4j.data;

/**
 * What a {@link BatchLoader} runs on its background thread: a deterministic function from (epoch, batch index) to
 * batch contents. Kept apart from the loader so the threading can be tested with any source.
 */
interface BatchSource {
    /** The height and width of every image; CIFAR-10's 32 unless a source says otherwise. */
    default int imageSize() {
        return Cifar10Dataset.HEIGHT;
    }

    /** Batches in one epoch. */
    int batchesPerEpoch();

    /** Images in batch {@code batch} of every epoch: the batch size, or fewer for a short last batch. */
    int batchLength(int batch);

    /** Writes batch {@code batch} of {@code epoch} into {@code out}; called from one thread only. */
    void fill(int epoch, int batch, Batch out);
}
