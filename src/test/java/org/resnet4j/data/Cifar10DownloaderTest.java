package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer on small crafted archives, and the offline failure; never touches the network. */
class Cifar10DownloaderTest {
    @TempDir
    Path dir;

    private static Map<String, byte[]> members() {
        Map<String, byte[]> members = new TreeMap<>();
        for (String name : Cifar10Downloader.MEMBERS) {
            members.put(name, ("contents of " + name).repeat(name.length()).getBytes(StandardCharsets.UTF_8));
        }
        return members;
    }

    private Path archive(TarFixtures tar) throws IOException {
        Path archive = dir.resolve("crafted.tar.gz");
        Files.write(archive, tar.tarGz());
        return archive;
    }

    private static Cifar10Downloader trusting(Path archive) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        return new Cifar10Downloader(URI.create("http://127.0.0.1:9/unused"), sha, Duration.ofSeconds(1));
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsExactlyTheNeededMembersAndNothingElse() throws Exception {
        TarFixtures tar = new TarFixtures().directory("cifar-10-batches-bin/")
                .file("cifar-10-batches-bin/readme.html", new byte[100])
                .file("../data_batch_1.bin", new byte[7])
                .file("elsewhere/test_batch.bin", new byte[7]);
        members().forEach((name, content) -> tar.file("cifar-10-batches-bin/" + name, content));
        Path archive = archive(tar);
        Path target = dir.resolve("cifar");

        trusting(archive).install(archive, target);

        assertEquals(Cifar10Downloader.MEMBERS.stream().sorted().toList(), listing(target), "no staging left behind");
        for (Map.Entry<String, byte[]> member : members().entrySet()) {
            assertArrayEquals(member.getValue(), Files.readAllBytes(target.resolve(member.getKey())), member.getKey());
        }
        assertEquals(List.of("cifar", "crafted.tar.gz"), listing(dir), "nothing written outside the target");
    }

    @Test
    void aChecksumMismatchInstallsNothing() throws Exception {
        TarFixtures tar = new TarFixtures();
        members().forEach((name, content) -> tar.file("./cifar-10-batches-bin/" + name, content));
        Path archive = archive(tar);
        Path target = dir.resolve("cifar");

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Downloader().install(archive, target));

        assertTrue(e.getMessage().contains("expected " + Cifar10Downloader.OFFICIAL_SHA256), e.getMessage());
        assertTrue(e.getMessage().contains(Cifar10Downloader.sha256(archive)), e.getMessage());
        assertFalse(Files.exists(target.resolve("data_batch_1.bin")));
    }

    @Test
    void anArchiveWithoutAMemberIsRejectedByName() throws Exception {
        TarFixtures tar = new TarFixtures();
        members().forEach((name, content) -> {
            if (!name.equals("test_batch.bin")) {
                tar.file("cifar-10-batches-bin/" + name, content);
            }
        });
        Path archive = archive(tar);
        Path target = dir.resolve("cifar");

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> trusting(archive).install(archive, target));

        assertTrue(e.getMessage().contains("lacks test_batch.bin"), e.getMessage());
        assertEquals(List.of(), listing(target), "a failed install leaves neither files nor staging");
    }

    @Test
    void anArchiveThatIsNotGzipIsMalformedAndInstallsNothing() throws Exception {
        TarFixtures tar = new TarFixtures();
        members().forEach((name, content) -> tar.file("cifar-10-batches-bin/" + name, content));
        Path archive = dir.resolve("plain.tar.gz");
        Files.write(archive, tar.tar());
        Path target = dir.resolve("cifar");

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> trusting(archive).install(archive, target));

        assertTrue(e.getMessage().startsWith(archive + ": not a complete gzip stream"), e.getMessage());
        assertEquals(List.of(), listing(target), "a failed install leaves neither files nor staging");
    }

    /** A data path that is a file: createDirectories's FileAlreadyExistsException says only the path. */
    @Test
    void aFileWhereTheDataDirectoryBelongsIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(dir.resolve("cifar"), "not a directory");

        Cifar10Downloader downloader = new Cifar10Downloader(URI.create("http://127.0.0.1:9/unused"),
                Cifar10Downloader.OFFICIAL_SHA256, Duration.ofSeconds(1));
        IOException e = assertThrows(IOException.class, () -> downloader.ensurePresent(file));

        assertEquals(file + ": not a directory (the CIFAR-10 files go into a directory)", e.getMessage());
        assertEquals("not a directory", Files.readString(file));
    }

    /**
     * A download stopped by Ctrl-C or a kill runs no finally block: its 170 MB partial archive (and an extraction's
     * staging folder) stayed in the data directory for good, one more per stopped attempt. The next download deletes
     * them, and nothing else.
     */
    @Test
    void aDownloadDeletesWhatAKilledOneLeftBehind() throws Exception {
        Path target = Files.createDirectory(dir.resolve("cifar"));
        Files.writeString(target.resolve(".cifar-10-binary-8312.tar.gz.part"), "partial");
        Path staging = Files.createDirectory(target.resolve(".cifar-10-extract-77"));
        Files.writeString(staging.resolve("data_batch_1.bin"), "x");
        Files.writeString(target.resolve("data_batch_1.bin"), "kept");
        Files.writeString(target.resolve(".cifar-10-binary-notes.txt"), "kept");
        Cifar10Downloader offline = new Cifar10Downloader(URI.create("http://127.0.0.1:9/cifar-10-binary.tar.gz"),
                Cifar10Downloader.OFFICIAL_SHA256, Duration.ofSeconds(2));

        assertThrows(IOException.class, () -> offline.download(target));

        assertEquals(List.of(".cifar-10-binary-notes.txt", "data_batch_1.bin"), listing(target));
    }

    @Test
    void offlineFailsFastSayingWhatToFetchAndWhereToPutIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Cifar10Downloader downloader = new Cifar10Downloader(
                URI.create("http://127.0.0.1:" + closedPort + "/cifar-10-binary.tar.gz"),
                Cifar10Downloader.OFFICIAL_SHA256, Duration.ofSeconds(2));
        Path target = dir.resolve("cifar");

        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> assertThrows(IOException.class, () -> downloader.download(target)));

        String message = e.getMessage();
        assertTrue(message.contains("Could not download CIFAR-10 from http://127.0.0.1:" + closedPort), message);
        assertTrue(message.contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), message);
        assertTrue(message.contains("cifar-10-batches-bin/"), message);
        assertTrue(message.contains("data_batch_1.bin"), message);
        assertTrue(message.contains(target.toAbsolutePath().toString()), message);
        assertEquals(List.of(), listing(target), "the partial download is removed");
    }

    /**
     * A server that sends its headers and a few bytes, then nothing: the request's timeout no longer applies once the
     * headers are in, so the download waited forever. With a stall limit of 1 s it stops, naming the address and the
     * bytes that arrived, and leaves nothing behind.
     */
    @Test
    void aServerThatStopsSendingStopsTheDownload() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService handlers = Executors.newSingleThreadExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, 1_000_000);
                exchange.getResponseBody().write(new byte[10]);
                exchange.getResponseBody().flush();
                release.await(60, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // The client hung up, or the test is over: either way this exchange is done.
            }
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar-10-binary.tar.gz");
            Cifar10Downloader downloader = new Cifar10Downloader(uri, Cifar10Downloader.OFFICIAL_SHA256,
                    Duration.ofSeconds(2), Duration.ofSeconds(1));
            Path target = dir.resolve("cifar");

            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> assertThrows(IOException.class, () -> downloader.download(target)));

            String message = e.getMessage();
            assertTrue(message.contains("Could not download CIFAR-10 from " + uri), message);
            assertTrue(message.contains("sent nothing for 1 s after 10 of 1000000 bytes"), message);
            assertEquals(List.of(), listing(target), "the partial download is removed");
        } finally {
            release.countDown();
            server.stop(0);
            handlers.shutdownNow();
            assertTrue(handlers.awaitTermination(10, TimeUnit.SECONDS), "the test server's thread ends");
        }
    }
}
