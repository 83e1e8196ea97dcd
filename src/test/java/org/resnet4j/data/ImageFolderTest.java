package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders to labelled images as torchvision's ImageFolder reads them, and what is left out, and why. */
class ImageFolderTest {
    @TempDir
    Path root;

    private Path file(String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        return file;
    }

    @Test
    void classesAreSortedFolderNamesAndNestedImagesBelongToTheirClass() throws IOException {
        file("dog/b.jpg");
        file("cat/z.PNG");
        file("cat/a.jpeg");
        file("cat/more/c.jpg");
        file("cat/notes.txt");
        file("cat/.DS_Store");
        file("dog/old.bmp");
        file("readme.md");

        ImageFolder folder = ImageFolder.scan(root);

        assertEquals(List.of("cat", "dog"), folder.classNames());
        assertEquals(List.of(new ImageFolder.Sample(root.resolve("cat/a.jpeg"), 0),
                new ImageFolder.Sample(root.resolve("cat/z.PNG"), 0),
                new ImageFolder.Sample(root.resolve("cat/more/c.jpg"), 0),
                new ImageFolder.Sample(root.resolve("dog/b.jpg"), 1)), folder.samples());
        assertEquals(new HashSet<>(List.of(root.resolve("readme.md"), root.resolve("cat/notes.txt"),
                root.resolve("cat/.DS_Store"), root.resolve("dog/old.bmp"))), new HashSet<>(folder.skipped()));
    }

    /**
     * Labels are the classes' places in Python's sorted(), which orders code points; Java's String order compares UTF-16
     * units, where a character beyond U+FFFF (a surrogate pair, 0xD8xx) sorts before U+E000..U+FFFF. torchvision 0.14's
     * find_classes on these folders: ['b', 'Ａ' (U+FF21), '😀' (U+1F600)].
     */
    @Test
    void classesAreSortedByCodePointAsPythonSortsThem() throws IOException {
        file("\uD83D\uDE00/1.png");
        file("\uFF21/1.png");
        file("b/1.png");

        assertEquals(List.of("b", "\uFF21", "\uD83D\uDE00"), ImageFolder.scan(root).classNames());
    }

    /**
     * Images in torchvision's order, which decides the split: torchvision 0.14's make_dataset on these files lists
     * cat/B.png, cat/a.jpeg, cat/z.PNG, cat/more/Z.png, cat/more/c.jpg, cat/more-2/b.png, cat/more/deeper/a.png (a
     * folder's files before its subfolders', folders by path: '-' sorts before '/'). Sorting whole paths put
     * cat/more/c.jpg between cat/a.jpeg and cat/z.PNG.
     */
    @Test
    void imagesAreInTorchvisionsOrder() throws IOException {
        List<String> torchvision = List.of("cat/B.png", "cat/a.jpeg", "cat/z.PNG", "cat/more/Z.png", "cat/more/c.jpg",
                "cat/more-2/b.png", "cat/more/deeper/a.png");
        for (String name : torchvision.reversed()) {
            file(name);
        }

        assertEquals(torchvision.stream().map(root::resolve).toList(),
                ImageFolder.scan(root).samples().stream().map(ImageFolder.Sample::file).toList());
    }

    @Test
    void anEmptyClassOrNoClassIsAnErrorNamingTheFolder() throws IOException {
        file("cat/a.png");
        file("dog/notes.txt");
        IOException empty = assertThrows(IOException.class, () -> ImageFolder.scan(root));
        assertTrue(empty.getMessage().startsWith(root.resolve("dog") + ": class folder without images"),
                empty.getMessage());

        Path flat = root.resolve("flat");
        Files.createDirectories(flat);
        Files.write(flat.resolve("x.png"), new byte[] {1});
        IOException none = assertThrows(IOException.class, () -> ImageFolder.scan(flat));
        assertTrue(none.getMessage().startsWith(flat + ": no class folders"), none.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ImageFolder.scan(root.resolve("absent")));
        assertTrue(missing.getMessage().contains("no such directory"), missing.getMessage());
    }

    @Test
    void theSplitHoldsOutAShareOfEachClassAndDependsOnlyOnTheSeed() throws IOException {
        for (int i = 0; i < 20; i++) {
            file("a/" + i + ".png");
        }
        for (int i = 0; i < 5; i++) {
            file("b/" + i + ".png");
        }
        ImageFolder folder = ImageFolder.scan(root);

        ImageFolder.Split split = folder.split(0.2, 7);

        assertEquals(4, split.validation().stream().filter(s -> s.label() == 0).count());
        assertEquals(1, split.validation().stream().filter(s -> s.label() == 1).count());
        assertEquals(25, split.train().size() + split.validation().size());
        assertTrue(split.train().stream().noneMatch(split.validation()::contains));
        assertEquals(split, ImageFolder.scan(root).split(0.2, 7), "same seed, same split");
        assertTrue(!split.equals(folder.split(0.2, 8)), "another seed, another split");
        assertEquals(List.of(), folder.split(0, 7).validation());
    }

    /** A test folder of some of a network's classes gets the network's labels, by name; a class it lacks is named. */
    @Test
    void samplesTakeTheNetworksLabelsByName() throws IOException {
        file("dog/1.png");
        file("cat/1.png");
        file("cat/2.png");
        ImageFolder folder = ImageFolder.scan(root);

        assertEquals(List.of(new ImageFolder.Sample(root.resolve("cat/1.png"), 3),
                new ImageFolder.Sample(root.resolve("cat/2.png"), 3),
                new ImageFolder.Sample(root.resolve("dog/1.png"), 5)),
                folder.samplesLabelledBy(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog")));
        assertEquals(List.of(0, 0, 1), folder.samples().stream().map(ImageFolder.Sample::label).toList(),
                "the folder's own numbering is unchanged");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> folder.samplesLabelledBy(List.of("bird", "cat")));
        assertEquals(root + ": class folder dog is not among the network's 2 classes (bird, cat)", e.getMessage());
    }

    /** A name two of the network's classes share (ImageNet's two cranes) cannot choose a label: refused, naming both. */
    @Test
    void aNameTwoClassesShareIsRefused() throws IOException {
        file("crane/1.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolder.scan(root).samplesLabelledBy(List.of("heron", "crane", "truck", "crane")));
        assertTrue(e.getMessage().contains("class folder crane names classes 1 and 3 of the network"), e.getMessage());
    }

    /** Class names are recorded one per line: a folder name with a line break would come back as two classes. */
    @Test
    void aClassNameWithALineBreakIsRefused() throws IOException {
        file("cat/1.png");
        file("two\nlines/1.png");
        IOException e = assertThrows(IOException.class, () -> ImageFolder.scan(root));
        assertTrue(e.getMessage().endsWith("a class folder's name contains a line break; rename it"), e.getMessage());
    }

    /** A class of one image keeps it for training whatever the fraction: held out, the class was never trained on. */
    @Test
    void aSplitNeverHoldsOutAWholeClass() throws IOException {
        file("lonely/1.png");
        for (int i = 0; i < 4; i++) {
            file("many/" + i + ".png");
        }
        ImageFolder.Split split = ImageFolder.scan(root).split(0.6, 3);
        assertEquals(1, split.train().stream().filter(s -> s.label() == 0).count(), "lonely's image trains");
        assertEquals(0, split.validation().stream().filter(s -> s.label() == 0).count());
        assertEquals(2, split.validation().stream().filter(s -> s.label() == 1).count(), "round(0.6 * 4) of many");
    }
}
