package org.resnet4j.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.resnet4j.images.ImageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A labelled image collection laid out as torchvision's {@code ImageFolder} reads it: {@code root/<class>/<image>},
 * one folder per class, classes sorted by name and numbered from 0, images found in a class folder and in folders
 * below it (in torchvision's order). Only the listing: decoding happens where the images are used, by the folder's
 * {@link #decoder()}: {@link ImageDecoder#standard()} (JPEGs turned upright by their EXIF orientation) unless
 * {@link #decodedBy} chose another. torchvision's {@code ImageFolder} keeps the stored pixels: for its inputs exactly,
 * {@code folder.decodedBy(ImageDecoder.ignoringOrientation())}.
 *
 * <p>What counts: files ending in {@code .png}, {@code .jpg} or {@code .jpeg} (any case). Other files (notes, hidden
 * files, formats this library does not decode such as {@code .bmp}) are skipped and counted in {@link #skipped()}, never
 * given a label. Files directly in {@code root} belong to no class and are skipped too; {@link #scan} logs a warning
 * naming one of them. A class folder without images
 * is an error naming it, as in torchvision: an empty class would shift no labels but make the class count lie.
 * Immutable; safe to share between threads.
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
    /**
     * torchvision's order of a class's images ({@code sorted(os.walk(...))}, then each folder's files sorted): folder
     * by folder in their paths' order, a folder's own files before those of the folders below it (cat/z.png before
     * cat/more/a.png), all by code point. The order decides which images a split holds out.
     */
    private static final Comparator<Path> TORCHVISION_ORDER = Comparator
            .comparing((Path file) -> codePoints(file.getParent()), Arrays::compare)
            .thenComparing(file -> codePoints(file.getFileName()), Arrays::compare);

    /** One image and its class index. Immutable; safe to share between threads. */
    public record Sample(Path file, int label) {
    }

    /**
     * The images of a seeded split, each part in the folder's order. Immutable (the lists are copied into unmodifiable
     * ones); safe to share between threads.
     */
    public record Split(List<Sample> train, List<Sample> validation) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    private final Path root;
    private final List<String> classNames;
    private final List<Sample> samples;
    private final List<Path> skipped;
    private final ImageDecoder decoder;

    private ImageFolder(Path root, List<String> classNames, List<Sample> samples, List<Path> skipped,
                        ImageDecoder decoder) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.samples = List.copyOf(samples);
        this.skipped = List.copyOf(skipped);
        this.decoder = decoder;
    }

    /** The same listing, its images decoded by {@code decoder} (EXIF orientation ignored, say). */
    public ImageFolder decodedBy(ImageDecoder decoder) {
        return new ImageFolder(root, classNames, samples, skipped, Objects.requireNonNull(decoder, "decoder"));
    }

    /** What reads this folder's images into pixels. */
    public ImageDecoder decoder() {
        return decoder;
    }

    /** Lists {@code root}; an {@link IOException} names the folder when it is missing, has no class or a class is empty. */
    public static ImageFolder scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a folder of class folders (no such directory)");
        }
        List<Path> classFolders;
        try (Stream<Path> entries = Files.list(root)) {
            // By code point, as Python's sorted() in torchvision: String's own order (UTF-16 units) puts a name with a
            // character beyond U+FFFF before one with U+E000..U+FFFF, which would give those classes other labels.
            classFolders = entries.filter(Files::isDirectory).sorted(Comparator.comparing(
                    p -> codePoints(p.getFileName()), Arrays::compare)).toList();
        }
        if (classFolders.isEmpty()) {
            throw new IOException(root + ": no class folders (expected root/<class>/<image>)");
        }
        List<String> names = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isRegularFile).sorted().forEach(skipped::add);
        }
        for (Path folder : classFolders) {
            int label = names.size();
            String name = folder.getFileName().toString();
            if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                // Weights record the class names one per line: this one would come back as two classes.
                throw new IOException(folder + ": a class folder's name contains a line break; rename it");
            }
            names.add(name);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
                files = walk.filter(Files::isRegularFile).sorted(TORCHVISION_ORDER).toList();
            }
            int before = samples.size();
            for (Path file : files) {
                if (isImage(file)) {
                    samples.add(new Sample(file, label));
                } else {
                    skipped.add(file);
                }
            }
            if (samples.size() == before) {
                throw new IOException(folder + ": class folder without images (.png, .jpg or .jpeg); remove it or "
                        + "add images, since every folder under " + root + " is a class");
            }
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{}: {} files are not images of a class and were left out, e.g. {}", root, skipped.size(),
                    skipped.getFirst());
        }
        return new ImageFolder(root, names, samples, skipped, ImageDecoder.standard());
    }

    private static int[] codePoints(Path path) {
        return path.toString().codePoints().toArray();
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    public Path root() {
        return root;
    }

    /** The class names in label order (the folders' names, sorted). */
    public List<String> classNames() {
        return classNames;
    }

    /** Every image with its label, by class, then by path. */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * Every image of the folder as a {@link Dataset} of {@code imageSize} x {@code imageSize} images, labelled with
     * this folder's classes: see {@link #dataset(List, int)}.
     */
    public Dataset dataset(int imageSize) {
        return dataset(samples, imageSize);
    }

    /**
     * Some of this folder's images (one part of a {@link #split}, say) as a {@link Dataset} of {@code imageSize} x
     * {@code imageSize} images, in the order given, labelled with this folder's classes. Each read decodes the file
     * and brings it to that size as torchvision's {@code Resize(imageSize)}, {@code CenterCrop(imageSize)} would; a
     * file that fails to decode, or is too long and narrow to resize ({@link org.resnet4j.images.Resize#MAX_PIXELS}),
     * fails the read with an {@link java.io.UncheckedIOException} naming it.
     */
    public Dataset dataset(List<Sample> images, int imageSize) {
        return new ImageFolderDataset(images, classNames, imageSize, imageSize, decoder);
    }

    /**
     * Every image labelled with the place of its class folder's name in {@code classNames}, the classes of a trained
     * network (the names its weights record), instead of this folder's own numbering: a test folder holding some of a
     * network's classes, or all of them, gets the labels the network was trained with. torchvision numbers the
     * folders present, so a test folder without one class shifts every label after it.
     *
     * @throws IllegalArgumentException naming the class folders whose names {@code classNames} lacks, or a folder whose
     *                                  name two of the network's classes share
     */
    public List<Sample> samplesLabelledBy(List<String> classNames) {
        int[] labelOf = new int[this.classNames.size()];
        List<String> unknown = new ArrayList<>();
        for (int c = 0; c < labelOf.length; c++) {
            String name = this.classNames.get(c);
            labelOf[c] = classNames.indexOf(name);
            if (labelOf[c] < 0) {
                unknown.add(name);
            } else if (classNames.lastIndexOf(name) != labelOf[c]) {
                // ImageNet's names repeat ("crane" the bird, 134, and the machine, 517): a name cannot choose.
                throw new IllegalArgumentException(root + ": class folder " + name + " names classes "
                        + labelOf[c] + " and " + classNames.lastIndexOf(name) + " of the network, which share the "
                        + "name; evaluate with folders named by class index or by unique names");
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(root + ": class folder" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are") + " not among the network's "
                    + classNames.size() + " classes (" + abbreviated(classNames) + ")");
        }
        return samples.stream().map(s -> new Sample(s.file(), labelOf[s.label()])).toList();
    }

    /**
     * Every image as a {@link Dataset} labelled with a trained network's classes ({@link #samplesLabelledBy}), each
     * read resized so that its shorter side is {@code resize} and center-cropped to {@code imageSize} (torchvision's
     * evaluation transform: 256 and 224 for ImageNet networks); what {@code eval} of a folder runs.
     */
    public Dataset datasetFor(List<String> networkClasses, int resize, int imageSize) {
        return new ImageFolderDataset(samplesLabelledBy(networkClasses), networkClasses, resize, imageSize, decoder);
    }

    private static String abbreviated(List<String> names) {
        int shown = Math.min(names.size(), 12);
        return String.join(", ", names.subList(0, shown)) + (shown < names.size() ? ", ..." : "");
    }

    /** The files that are not images of a class, which the listing left out. */
    public List<Path> skipped() {
        return skipped;
    }

    /**
     * A split that holds out {@code validationFraction} of each class (rounded, at least one image where the fraction
     * is above 0 and the class has two, never all of a class), chosen by {@code seed}: the same seed gives the same
     * split on any machine.
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            int c = label;
            List<Sample> members = samples.stream().filter(s -> s.label() == c).toList();
            int held = (int) Math.round(members.size() * validationFraction);
            if (validationFraction > 0 && held == 0 && members.size() >= 2) {
                held = 1;
            }
            // Never the whole class: a class of one image at a fraction of 0.5 or more was held out entirely, so the
            // network trained without ever seeing it.
            held = Math.min(held, members.size() - 1);
            // A Fisher-Yates shuffle of the class's indices by a generator seeded from (seed, class).
            int[] order = new int[members.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + label);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            boolean[] heldOut = new boolean[members.size()];
            for (int i = 0; i < held; i++) {
                heldOut[order[i]] = true;
            }
            for (int i = 0; i < members.size(); i++) {
                (heldOut[i] ? validation : train).add(members.get(i));
            }
        }
        return new Split(train, validation);
    }
}
