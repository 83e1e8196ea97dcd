package org.resnet4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RingAllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Each worker's vector, summed over the ring on loopback; returns what each worker ends with. */
    private static float[][] ring(float[][] inputs) throws Exception {
        int k = inputs.length;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            ServerSocket server = new ServerSocket(0, 16, loopback);
            servers.add(server);
            peers.add(new InetSocketAddress(loopback, server.getLocalPort()));
        }
        ExecutorService threads = Executors.newFixedThreadPool(k);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                int rank = r;
                results.add(threads.submit(() -> {
                    float[] data = inputs[rank].clone();
                    try (RingAllReduce ring = RingAllReduce.connect(rank, peers, servers.get(rank), "test", TIMEOUT,
                            TIMEOUT)) {
                        ring.sum(data);
                        ring.sum(data); // a second sum on the same connections: the sum of K copies of the first
                    }
                    return data;
                }));
            }
            float[][] out = new float[k][];
            for (int r = 0; r < k; r++) {
                out[r] = results.get(r).get();
            }
            return out;
        } finally {
            threads.shutdownNow();
            for (ServerSocket server : servers) {
                server.close();
            }
        }
    }

    /** The ring's documented order: chunk c is ((g_c + g_c+1) + ...) + g_c-1, ranks mod K. */
    private static float[] expected(float[][] inputs) {
        int k = inputs.length;
        int n = inputs[0].length;
        float[] sum = new float[n];
        for (int c = 0; c < k; c++) {
            int begin = (int) ((long) c * n / k);
            int end = (int) ((long) (c + 1) * n / k);
            for (int i = begin; i < end; i++) {
                float s = inputs[c][i];
                for (int j = 1; j < k; j++) {
                    s += inputs[(c + j) % k][i];
                }
                sum[i] = s;
            }
        }
        return sum;
    }

    private static float[][] random(int k, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] inputs = new float[k][n];
        for (float[] v : inputs) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (random.nextGaussian() * Math.exp(random.nextDouble(-8, 8)));
            }
        }
        return inputs;
    }

    @Test
    void everyWorkerEndsWithTheSameSumInTheDocumentedOrder() throws Exception {
        for (int k : new int[] {2, 3, 4}) {
            // Lengths shorter than K (empty chunks), odd, and longer than one socket piece.
            for (int n : new int[] {1, 2, 5, 1001, RingAllReduce.PIECE_FLOATS * 2 + 7}) {
                float[][] inputs = random(k, n, 31L * k + n);
                float[] once = expected(inputs);
                float[][] copies = new float[k][];
                for (int r = 0; r < k; r++) {
                    copies[r] = once;
                }
                float[] twice = expected(copies);
                float[][] out = ring(inputs);
                for (int r = 0; r < k; r++) {
                    assertArrayEquals(twice, out[r], "K=" + k + " n=" + n + " worker " + r);
                }
            }
        }
    }

    @Test
    void aSumOfFourDiffersFromTheLeftToRightSumSomewhere() throws Exception {
        // The documented order is not worker 0 + 1 + 2 + 3 for every chunk: the test above would pass for a ring that
        // summed left to right only if the two orders agreed, which this shows they do not.
        float[][] inputs = random(4, 4096, 7);
        float[] ringOrder = expected(inputs);
        int differ = 0;
        for (int i = 0; i < 4096; i++) {
            float leftToRight = ((inputs[0][i] + inputs[1][i]) + inputs[2][i]) + inputs[3][i];
            differ += leftToRight != ringOrder[i] ? 1 : 0;
        }
        assertTrue(differ > 0);
    }

    @Test
    void anUnreachableSuccessorIsAClearSetupError() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (ServerSocket own = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<InetSocketAddress> peers = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    own.getLocalPort()), new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
            long start = System.nanoTime();
            WorkerSetupException e = assertThrows(WorkerSetupException.class, () -> RingAllReduce.connect(0, peers,
                    own, "test", Duration.ofSeconds(1), TIMEOUT));
            assertTrue(e.getMessage().startsWith("worker 0 cannot reach worker 1 at "), e.getMessage());
            assertTrue(e.getMessage().contains("(tried for 1 s"), e.getMessage());
            assertTrue(System.nanoTime() - start < 10e9);
        }
    }

    @Test
    void aPeerThatStopsSendingIsNoticedByThePeerTimeout() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket s0 = new ServerSocket(0, 16, loopback); ServerSocket s1 = new ServerSocket(0, 16, loopback)) {
            List<InetSocketAddress> peers = List.of(new InetSocketAddress(loopback, s0.getLocalPort()),
                    new InetSocketAddress(loopback, s1.getLocalPort()));
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                // Worker 1 connects and then never sums: worker 0 must give up after the peer timeout.
                Future<RingAllReduce> silent = other.submit(() -> RingAllReduce.connect(1, peers, s1, "test", TIMEOUT,
                        TIMEOUT));
                try (RingAllReduce ring = RingAllReduce.connect(0, peers, s0, "test", TIMEOUT, Duration.ofSeconds(1));
                     RingAllReduce idle = silent.get()) {
                    IOException e = assertThrows(IOException.class, () -> ring.sum(new float[100]));
                    assertEquals("worker 0: no gradient bytes from worker 1 (" + peers.get(1).getHostString() + ":"
                            + peers.get(1).getPort() + ") for 1 s (peer timeout)", e.getMessage());
                    assertTrue(idle.bytesSent() == 0);
                }
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void aSuccessorThatStopsReadingIsNoticedByThePeerTimeout() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // Worker 1 is played by hand: it sends worker 0 its whole chunk, so worker 0's receive completes, but never
        // reads what worker 0 sends. A chunk far larger than loopback's socket buffers then blocks worker 0's write.
        int n = 1 << 24;
        try (ServerSocket s0 = new ServerSocket(0, 16, loopback); ServerSocket s1 = new ServerSocket(0, 16, loopback)) {
            s1.setReceiveBufferSize(4096);
            List<InetSocketAddress> peers = List.of(new InetSocketAddress(loopback, s0.getLocalPort()),
                    new InetSocketAddress(loopback, s1.getLocalPort()));
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<Socket[]> stuck = other.submit(() -> {
                    Socket fromZero = s1.accept(); // never read
                    Socket toZero = new Socket(loopback, s0.getLocalPort());
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(toZero.getOutputStream()));
                    out.writeInt(RingAllReduce.MAGIC);
                    out.writeUTF("test");
                    out.writeInt(1);
                    out.write(new byte[(n - n / 2) * Float.BYTES]);
                    out.flush();
                    return new Socket[] {fromZero, toZero};
                });
                try (RingAllReduce ring = RingAllReduce.connect(0, peers, s0, "test", TIMEOUT, Duration.ofSeconds(1))) {
                    long start = System.nanoTime();
                    IOException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                            () -> assertThrows(IOException.class, () -> ring.sum(new float[n])));
                    assertEquals("worker 0: worker 1 (" + peers.get(1).getHostString() + ":" + peers.get(1).getPort()
                            + ") took no gradient bytes for 1 s (peer timeout)", e.getMessage());
                    assertTrue(System.nanoTime() - start < 15e9);
                    assertTrue(ring.bytesSent() < (long) (n / 2) * Float.BYTES, "the send was cut short");
                } finally {
                    for (Socket socket : stuck.get()) {
                        socket.close();
                    }
                }
            } finally {
                other.shutdownNow();
            }
        }
    }
}
