import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A closed-loop load: each client thread sends a request, waits for its answer, checks it, sends the next. A
 * {@code badFraction} of requests are bad in a rotating way (each must get its 4xx); every good answer must carry
 * exactly the expected classes and probabilities of its image. Counts only what starts after the warm-up and ends
 * before the deadline; prints one summary line of {@code key=value} pairs.
 */
final class LoadRun {
    private static final Pattern SCORE = Pattern.compile("\"index\": (\\d+), \"label\": \"[^\"]*\", \"probability\": ([^}]+)}");

    record Settings(String host, int port, Path dir, int clients, double seconds, double warmupSeconds,
                    double badFraction) {
    }

    /** A bad request and the status it must get. */
    private record Bad(String name, String method, String target, byte[] body, int status) {
    }

    /** Per-client tallies, merged at the end. */
    private static final class Tally {
        long good;
        long wrong;
        long goodFailed;
        long bad;
        long badUnexpected;
        long ioErrors;
        long[] latencies = new long[1 << 16];
        int count;
        String firstProblem;

        void latency(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        void problem(String text) {
            if (firstProblem == null) {
                firstProblem = text;
            }
        }
    }

    private LoadRun() {
    }

    static void run(Settings settings) throws IOException, InterruptedException {
        List<Workload.Item> items = Workload.load(settings.dir());
        List<Bad> bads = badRequests(items.get(0).bytes());
        long start = System.nanoTime();
        long measureFrom = start + (long) (settings.warmupSeconds() * 1e9);
        long deadline = measureFrom + (long) (settings.seconds() * 1e9);
        Tally[] tallies = new Tally[settings.clients()];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < settings.clients(); c++) {
            Tally tally = tallies[c] = new Tally();
            int client = c;
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                SplittableRandom random = new SplittableRandom(client);
                try (LoadClient connection = new LoadClient(settings.host(), settings.port())) {
                    int next = client * 7919;
                    while (System.nanoTime() < deadline) {
                        boolean bad = random.nextDouble() < settings.badFraction();
                        long begin = System.nanoTime();
                        if (bad) {
                            Bad request = bads.get(random.nextInt(bads.size()));
                            LoadClient.Answer answer = connection.send(request.method(), request.target(), request.body());
                            if (begin >= measureFrom && System.nanoTime() <= deadline) {
                                countBad(tally, request, answer);
                            }
                        } else {
                            Workload.Item item = items.get(Math.floorMod(next++, items.size()));
                            LoadClient.Answer answer = connection.send("POST", "/v1/classify", item.bytes());
                            long end = System.nanoTime();
                            if (begin >= measureFrom && end <= deadline) {
                                countGood(tally, item, answer, end - begin);
                            }
                        }
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        report(settings, tallies);
        reportBatches(settings);
    }

    /** The server's mean batch size over the whole run (warm-up included), from its metrics. */
    private static void reportBatches(Settings settings) {
        try (LoadClient client = new LoadClient(settings.host(), settings.port())) {
            String metrics = client.send("GET", "/metrics", null).body();
            Matcher sum = Pattern.compile("\nresnet4j_batch_size_sum (\\S+)").matcher(metrics);
            Matcher count = Pattern.compile("\nresnet4j_batch_size_count (\\S+)").matcher(metrics);
            if (sum.find() && count.find()) {
                System.out.printf(Locale.ROOT, "batches=%s mean_batch=%.2f%n", count.group(1),
                        Double.parseDouble(sum.group(1)) / Double.parseDouble(count.group(1)));
            }
        }
    }

    private static void countGood(Tally tally, Workload.Item item, LoadClient.Answer answer, long nanos) {
        if (answer.status() == -1) {
            tally.ioErrors++;
            tally.goodFailed++;
            tally.problem("connection: " + answer.body());
        } else if (answer.status() != 200) {
            tally.goodFailed++;
            tally.problem("status " + answer.status() + ": " + answer.body().strip());
        } else if (!matches(item, answer.body())) {
            tally.wrong++;
            tally.problem("wrong answer: " + answer.body().strip());
        } else {
            tally.good++;
            tally.latency(nanos);
        }
    }

    private static void countBad(Tally tally, Bad request, LoadClient.Answer answer) {
        if (answer.status() == request.status()) {
            tally.bad++;
        } else {
            tally.badUnexpected++;
            if (answer.status() == -1) {
                tally.ioErrors++;
            }
            tally.problem(request.name() + ": expected " + request.status() + ", got " + answer.status() + " "
                    + answer.body().strip());
        }
    }

    /** The same indices, in order, with the same probability bits. */
    static boolean matches(Workload.Item item, String body) {
        Matcher m = SCORE.matcher(body);
        int k = 0;
        while (m.find()) {
            if (k >= item.indices().length || Integer.parseInt(m.group(1)) != item.indices()[k]
                    || Float.floatToRawIntBits(Float.parseFloat(m.group(2))) != Float.floatToRawIntBits(item.probabilities()[k])) {
                return false;
            }
            k++;
        }
        return k == item.indices().length;
    }

    /**
     * The bad requests of a mixed run. Those refused before their body is read carry a small one: the server skips at
     * most 64 KB of an unread body and then closes, and a client whose larger body is still arriving may see the
     * connection reset before the answer. Bodies over the size limit are left out for that reason; the tests cover
     * them with bodies the server can skip.
     */
    private static List<Bad> badRequests(byte[] goodImage) throws IOException {
        byte[] small = Workload.encode(new byte[3 * 16 * 16], 16, "png");
        return List.of(
                new Bad("empty", "POST", "/v1/classify", new byte[0], 400),
                new Bad("not an image", "POST", "/v1/classify", "not an image".getBytes(StandardCharsets.UTF_8), 415),
                new Bad("truncated", "POST", "/v1/classify", Arrays.copyOf(goodImage, goodImage.length / 2), 400),
                new Bad("too many pixels", "POST", "/v1/classify", claimingSize(100_000, 100_000), 422),
                new Bad("bad query", "POST", "/v1/classify?top=0", small, 400),
                new Bad("unknown path", "POST", "/v1/clasify", small, 404),
                new Bad("wrong method", "GET", "/v1/classify", null, 405));
    }

    /**
     * A PNG of a few dozen bytes whose header claims {@code width x height} (signature, IHDR, IEND, CRCs right): the
     * server refuses it for its size (422) before decoding. Any other size it would resize and answer.
     */
    private static byte[] claimingSize(int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR",
                ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0}).array());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void report(Settings settings, Tally[] tallies) {
        Tally total = new Tally();
        long[] latencies = new long[Arrays.stream(tallies).mapToInt(t -> t.count).sum()];
        int at = 0;
        for (Tally t : tallies) {
            total.good += t.good;
            total.wrong += t.wrong;
            total.goodFailed += t.goodFailed;
            total.bad += t.bad;
            total.badUnexpected += t.badUnexpected;
            total.ioErrors += t.ioErrors;
            System.arraycopy(t.latencies, 0, latencies, at, t.count);
            at += t.count;
            if (total.firstProblem == null) {
                total.firstProblem = t.firstProblem;
            }
        }
        Arrays.sort(latencies);
        long requests = total.good + total.wrong + total.goodFailed + total.bad + total.badUnexpected;
        System.out.printf(Locale.ROOT, "clients=%d seconds=%.0f requests_per_second=%.1f good_per_second=%.1f "
                        + "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f good=%d wrong=%d good_failed=%d bad_answered=%d "
                        + "bad_unexpected=%d io_errors=%d%n",
                settings.clients(), settings.seconds(), requests / settings.seconds(), total.good / settings.seconds(),
                percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0), total.good,
                total.wrong, total.goodFailed, total.bad, total.badUnexpected, total.ioErrors);
        if (total.firstProblem != null) {
            System.out.println("first problem: " + total.firstProblem);
        }
    }

    /** The nearest-rank percentile in milliseconds, or NaN without data. */
    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
