package org.resnet4j.spark;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ring all-reduce alone, K = 2 threads on loopback: how many gradient bytes a second this implementation moves
 * when the network is not the limit (the adds, the float-to-byte copies and the kernel's loopback), the cap on
 * the effective bandwidth in the scaling model. Prints the median of {@code repeats} sums of {@code floats} values.
 */
public final class RingThroughput {
    private RingThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 25_557_032;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<ServerSocket> servers = List.of(new ServerSocket(0, 4, loopback), new ServerSocket(0, 4, loopback));
        List<InetSocketAddress> peers = List.of(new InetSocketAddress(loopback, servers.get(0).getLocalPort()),
                new InetSocketAddress(loopback, servers.get(1).getLocalPort()));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<Future<List<Double>>> results = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            results.add(threads.submit(() -> {
                float[] data = new float[floats];
                java.util.Arrays.fill(data, 1e-3f);
                List<Double> seconds = new ArrayList<>();
                try (RingAllReduce ring = RingAllReduce.connect(rank, peers, servers.get(rank), "bench",
                        Duration.ofSeconds(30), Duration.ofSeconds(300))) {
                    for (int i = 0; i < repeats; i++) {
                        long t0 = System.nanoTime();
                        ring.sum(data);
                        seconds.add((System.nanoTime() - t0) / 1e9);
                    }
                }
                return seconds;
            }));
        }
        List<Double> seconds = results.get(0).get();
        results.get(1).get();
        threads.shutdown();
        List<Double> sorted = seconds.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        long bytes = 4L * floats; // K = 2: each worker sends 2 (K - 1) / K = 1 vector's bytes and receives as many
        System.out.printf(Locale.ROOT, "ring all-reduce K=2 on loopback: %d floats, median %.3f s, %.2f GB/s sent per "
                + "worker (each also receives as many), all %s%n", floats, median, bytes / median / 1e9, seconds);
    }
}
