package org.resnet4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the official CIFAR-10 binary archive and unpacks the files {@link Cifar10Reader} needs.
 *
 * <p>Steps: download to a temporary file in the target directory (java.net.http, connect timeout 10 s, so an offline
 * machine fails fast with a message saying what to fetch by hand and where to put it; a server that stops sending for
 * 60 s stops the download, which would otherwise wait forever); check the archive's SHA-256;
 * extract the seven members of {@code cifar-10-batches-bin/} into a temporary folder; then move each file into place
 * with an atomic rename, so a file in the target directory is always complete. Temporary files are deleted even on
 * failure, and those of a download that was killed (no finally block runs then) by the next download into the same
 * directory: one download per directory at a time.
 *
 * <p>Immutable and safe to share between threads, but with one download per directory at a time: a download deletes the
 * temporary files it finds there, another download's too.
 */
public final class Cifar10Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Cifar10Downloader.class);

    public static final URI OFFICIAL_ARCHIVE = URI.create(Cifar10Reader.ARCHIVE_URL);
    /** SHA-256 of the official {@code cifar-10-binary.tar.gz}. */
    public static final String OFFICIAL_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long the server may take to start answering once connected. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** How long the body may stall (no byte arrives) before the download is stopped. */
    static final Duration DEFAULT_STALL_LIMIT = Duration.ofSeconds(60);
    /** The members extracted from the archive's {@value Cifar10Reader#ARCHIVE_FOLDER} folder. */
    public static final List<String> MEMBERS = members();
    /** The partial archive, {@code .cifar-10-binary-<digits>.tar.gz.part}, and the staging folder, likewise named. */
    private static final String PART_PREFIX = ".cifar-10-binary-";
    private static final String PART_SUFFIX = ".tar.gz.part";
    private static final String STAGING_PREFIX = ".cifar-10-extract-";
    private static final long NOT_READING = Long.MIN_VALUE;

    private final URI source;
    private final String sha256;
    private final Duration connectTimeout;
    private final Duration stallLimit;

    /** A downloader of the official archive. */
    public Cifar10Downloader() {
        this(OFFICIAL_ARCHIVE, OFFICIAL_SHA256, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * A downloader of a copy of the archive elsewhere (a mirror), which must have the given SHA-256.
     *
     * @param sha256 64 hex digits
     */
    public Cifar10Downloader(URI source, String sha256, Duration connectTimeout) {
        this(source, sha256, connectTimeout, DEFAULT_STALL_LIMIT);
    }

    /** As the public constructor, with the time the body may go without a byte before the download is stopped. */
    Cifar10Downloader(URI source, String sha256, Duration connectTimeout, Duration stallLimit) {
        if (stallLimit.isNegative() || stallLimit.isZero()) {
            throw new IllegalArgumentException("the stall limit must be positive, got " + stallLimit);
        }
        this.stallLimit = stallLimit;
        if (!sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("SHA-256 must be 64 hex digits, got '" + sha256 + "'");
        }
        this.source = source;
        this.sha256 = sha256.toLowerCase(Locale.ROOT);
        this.connectTimeout = connectTimeout;
    }

    /** Downloads and unpacks the archive into {@code directory} unless all of {@link #MEMBERS} are already there. */
    public void ensurePresent(Path directory) throws IOException {
        if (MEMBERS.stream().allMatch(m -> Files.isRegularFile(directory.resolve(m)))) {
            return;
        }
        download(directory);
    }

    /** Downloads the archive, checks it and unpacks {@link #MEMBERS} into {@code directory} (created if needed). */
    public void download(Path directory) throws IOException {
        createDirectories(directory);
        deleteLeftovers(directory);
        Path archive = Files.createTempFile(directory, PART_PREFIX, PART_SUFFIX);
        try {
            fetch(archive, directory);
            install(archive, directory);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private void fetch(Path archive, Path directory) throws IOException {
        LOG.info("Downloading CIFAR-10 (about 170 MB) from {} into {}", source, directory.toAbsolutePath());
        HttpRequest request = HttpRequest.newBuilder(source).timeout(RESPONSE_TIMEOUT).GET().build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body(); OutputStream out = Files.newOutputStream(archive)) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP status " + response.statusCode());
                }
                copy(body, out, client, response.headers().firstValueAsLong("Content-Length").orElse(-1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("CIFAR-10 download from " + source + " was interrupted");
        } catch (IOException e) {
            throw new IOException("Could not download CIFAR-10 from " + source + ": " + describe(e) + ". If this "
                    + "machine is offline, fetch " + Cifar10Reader.ARCHIVE_URL + " elsewhere, extract it, and copy "
                    + String.join(", ", MEMBERS) + " from its " + Cifar10Reader.ARCHIVE_FOLDER + " folder into "
                    + directory.toAbsolutePath(), e);
        }
    }

    /**
     * Copies the body to {@code out}, stopping the download when a read waits longer than the stall limit: the request's
     * timeout ends once the headers arrive, so a server that stops sending would otherwise block the read forever.
     *
     * @param expected the Content-Length, or -1, for the message
     */
    private void copy(InputStream body, OutputStream out, HttpClient client, long expected) throws IOException {
        long limit = stallLimit.toNanos();
        // When the read now waiting began, or NOT_READING between reads (a slow disk is not the server's stall).
        AtomicLong readingSince = new AtomicLong(NOT_READING);
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cifar10-download-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.clamp(limit / 4, 1_000_000L, 1_000_000_000L);
        watchdog.scheduleAtFixedRate(() -> {
            long since = readingSince.get();
            if (since != NOT_READING && System.nanoTime() - since > limit && stalled.compareAndSet(false, true)) {
                // Closing the body wakes the blocked read (it then throws); shutting the client down drops the
                // connection, so nothing waits on the server any more.
                try {
                    body.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("closing the stalled download's body", e);
                }
                client.shutdownNow();
            }
        }, period, period, TimeUnit.NANOSECONDS);
        long received = 0;
        try {
            byte[] buffer = new byte[1 << 16];
            while (true) {
                readingSince.set(System.nanoTime());
                int n = body.read(buffer);
                readingSince.set(NOT_READING);
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                received += n;
            }
        } catch (IOException e) {
            if (!stalled.get()) {
                throw e;
            }
        } finally {
            watchdog.shutdownNow();
        }
        if (stalled.get()) {
            throw new HttpTimeoutException("the server sent nothing for " + stallLimit.toSeconds() + " s after "
                    + received + (expected >= 0 ? " of " + expected : "") + " bytes, so the download was stopped");
        }
    }

    /**
     * Checks {@code archive} against this downloader's SHA-256 and unpacks {@link #MEMBERS} into {@code directory}.
     * Useful on its own for an archive fetched by hand.
     *
     * @throws MalformedDataException when the archive has another SHA-256, is not a gzip-compressed tar or lacks a
     *                                member; no member is then written into {@code directory}
     */
    public void install(Path archive, Path directory) throws IOException {
        String actual = sha256(archive);
        if (!actual.equals(sha256)) {
            throw new MalformedDataException(archive + ": SHA-256 is " + actual + ", expected " + sha256
                    + ": the download is incomplete or corrupt, or not the official " + Cifar10Reader.ARCHIVE_URL);
        }
        unpack(archive, directory);
    }

    /**
     * Unpacks {@link #MEMBERS} of {@code archive} (a .tar.gz) into {@code directory} through a staging folder that is
     * always deleted, so a member lands in {@code directory} complete or not at all.
     */
    static void unpack(Path archive, Path directory) throws IOException {
        createDirectories(directory);
        Path staging = Files.createTempDirectory(directory, STAGING_PREFIX);
        try {
            extract(archive, staging);
            for (String member : MEMBERS) {
                Files.move(staging.resolve(member), directory.resolve(member),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("CIFAR-10 files are in {}", directory.toAbsolutePath());
        } finally {
            deleteTree(staging);
        }
    }

    /** Writes the members of {@code archive} (a .tar.gz) that are in {@link #MEMBERS} into {@code staging}. */
    static void extract(Path archive, Path staging) throws IOException {
        List<String> found = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 1 << 16)) {
            TarReader tar = new TarReader(in, archive.toString());
            for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
                String name = entry.name().startsWith("./") ? entry.name().substring(2) : entry.name();
                if (!entry.isFile() || !name.startsWith(Cifar10Reader.ARCHIVE_FOLDER)) {
                    continue;
                }
                // Only the exact known names are written, so a hostile path ("../x") can never escape the folder.
                String member = name.substring(Cifar10Reader.ARCHIVE_FOLDER.length());
                if (MEMBERS.contains(member) && !found.contains(member)) {
                    // Forced to disk before the move that publishes it: after a crash a data batch is complete
                    // or absent, never a right-sized file of zeros that would pass the reader's checks.
                    try (FileChannel file = FileChannel.open(staging.resolve(member), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        tar.content().transferTo(Channels.newOutputStream(file));
                        file.force(true);
                    }
                    found.add(member);
                }
            }
        } catch (ZipException | EOFException e) {
            // GZIPInputStream's own complaints (bad magic, bad CRC, truncated) say nothing of the file.
            throw new MalformedDataException(archive + ": not a complete gzip stream (" + e.getMessage() + ")", e);
        }
        List<String> missing = MEMBERS.stream().filter(m -> !found.contains(m)).toList();
        if (!missing.isEmpty()) {
            throw new MalformedDataException(archive + ": the archive lacks " + String.join(", ", missing) + " in its "
                    + Cifar10Reader.ARCHIVE_FOLDER + " folder");
        }
    }

    /**
     * Deletes the partial archives (up to 170 MB each) and staging folders of downloads that were killed, recognised by
     * their exact name pattern; nothing else.
     */
    private static void deleteLeftovers(Path directory) throws IOException {
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(directory)) {
            leftovers = files.filter(p -> {
                String name = p.getFileName().toString();
                return isTemporary(name, PART_PREFIX, PART_SUFFIX) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        || isTemporary(name, STAGING_PREFIX, "") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            }).toList();
        }
        for (Path leftover : leftovers) {
            LOG.info("Deleting {}, left by a download that was stopped", leftover);
            deleteTree(leftover);
        }
    }

    /** Whether {@code name} is {@code prefix}, digits (as Files.createTemp* makes them), {@code suffix}. */
    private static boolean isTemporary(String name, String prefix, String suffix) {
        if (name.length() <= prefix.length() + suffix.length() || !name.startsWith(prefix) || !name.endsWith(suffix)) {
            return false;
        }
        return name.substring(prefix.length(), name.length() - suffix.length()).chars().allMatch(Character::isDigit);
    }

    /** As Files.createDirectories, but a file in the way is named as such, not by its bare path. */
    private static void createDirectories(Path directory) throws IOException {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new FileAlreadyExistsException(directory.toString(), null,
                    "not a directory (the CIFAR-10 files go into a directory)");
        }
        Files.createDirectories(directory);
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> members() {
        List<String> members = new ArrayList<>(Cifar10Reader.TRAINING_FILES);
        members.add(Cifar10Reader.TEST_FILE);
        members.add(Cifar10Reader.META_FILE);
        return List.copyOf(members);
    }
}
