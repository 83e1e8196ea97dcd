package org.resnet4j.data;

import java.util.List;

/** {@link Dataset#select}: some images of another data set, in a given order, read through it. Immutable. */
final class SelectedImages implements Dataset {
    private final Dataset source;
    private final int[] indices;

    SelectedImages(Dataset source, int[] indices) {
        this.source = source;
        this.indices = indices.clone();
        for (int k = 0; k < this.indices.length; k++) {
            int i = this.indices[k];
            if (i < 0 || i >= source.size()) {
                throw new IndexOutOfBoundsException("select: index " + i + " (position " + k + ") is outside 0.."
                        + (source.size() - 1));
            }
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int imageSize() {
        return source.imageSize();
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public int label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public void readImage(int index, byte[] out, int offset) {
        source.readImage(indices[index], out, offset);
    }

    @Override
    public java.util.Map<String, String> weightsMetadata() {
        return source.weightsMetadata();
    }

    @Override
    public String toString() {
        return indices.length + " images of " + source;
    }
}
