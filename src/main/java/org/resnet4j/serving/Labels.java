package org.resnet4j.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resnet4j.data.Utf8Files;

/** The names of a network's classes, in output order. Immutable; safe to share between threads. */
public final class Labels {
    /** CIFAR-10's classes in label order, as its {@code batches.meta.txt} lists them. */
    public static final List<String> CIFAR10 = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    /** ImageNet's 1,000 names are about 21 KB; a file fifty times that is no list of class names. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** CIFAR-10's names for 10 classes; for any other count each class is named by its index ("0", "1", ...). */
    public static Labels defaultFor(int classes) {
        return classes == CIFAR10.size() ? new Labels(CIFAR10) : indices(classes);
    }

    /** Each class named by its index: "0", "1", ... */
    public static Labels indices(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a network has at least one class, got " + classes);
        }
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return new Labels(names);
    }

    public static Labels of(List<String> names) {
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("labels must be non-empty names, got " + names.size()
                    + " names with " + names.stream().filter(String::isBlank).count() + " blank");
        }
        return new Labels(names);
    }

    /**
     * One name per line (UTF-8, the format of CIFAR-10's {@code batches.meta.txt}); blank lines at the end are
     * ignored. There must be exactly {@code classes} names, in at most {@value #MAX_FILE_BYTES} bytes.
     *
     * @throws org.resnet4j.data.MalformedDataException naming the file when it is too big or not UTF-8 (the offset
     *                                                  and value of the first bad byte)
     */
    public static Labels read(Path file, int classes) throws IOException {
        List<String> lines = new ArrayList<>(Utf8Files.read(file, MAX_FILE_BYTES, "a list of class names").lines()
                .toList());
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        if (lines.size() != classes) {
            throw new IllegalArgumentException(file + ": " + lines.size() + " labels for a model of " + classes
                    + " classes; the file needs one name per line, in class order");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is blank; every class needs a name");
            }
        }
        return new Labels(lines.stream().map(String::strip).toList());
    }

    /** ImageNet-1k's 1,000 class names in index order, as torchvision's weights metadata lists them. */
    public static Labels imagenet() {
        try (java.io.InputStream in = Labels.class.getResourceAsStream("/org/resnet4j/data/imagenet-classes.txt")) {
            if (in == null) {
                throw new IllegalStateException("the ImageNet class names resource is missing from the jar");
            }
            List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return new Labels(names);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String name(int index) {
        return names.get(index);
    }

    public int size() {
        return names.size();
    }

    /** Every name, in output order (an unmodifiable list). */
    public List<String> names() {
        return names;
    }
}
