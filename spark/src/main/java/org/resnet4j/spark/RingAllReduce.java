package org.resnet4j.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sums a float vector over K workers in place, every worker ending with the same bits: the ring all-reduce of
 * Patarasuk and Yuan (2009), the algorithm of Horovod and NCCL's ring. The vector is cut into K chunks; in K - 1
 * reduce-scatter steps each worker sends one chunk to its successor and adds the chunk it receives from its
 * predecessor, so that chunk {@code c} is summed in the fixed order {@code ((g_c + g_c+1) + g_c+2) + ... + g_c-1}
 * (ranks mod K) and ends complete on worker {@code c - 1}; K - 1 all-gather steps then pass the complete chunks
 * round. Each worker sends and receives {@code 2 (K - 1) / K} of the vector per sum, whatever K is.
 *
 * <p>The order of every addition depends on K only, so a run is repeatable; it is not the order of a single process
 * adding the workers' gradients one after another (for K = 2 it is, since a + b = b + a in floating point).
 *
 * <p>Transport: one TCP connection to the successor, one from the predecessor, sending on a second thread while
 * receiving, so neither side can block the other on full socket buffers. The peer timeout bounds both directions: no
 * bytes from the predecessor, or none taken by the successor, for that long fails the sum. One caller thread; not
 * reusable after a failure.
 */
final class RingAllReduce implements AutoCloseable {
    /** Floats per socket write: 256 KiB. */
    static final int PIECE_FLOATS = 1 << 16;
    static final int MAGIC = 0x52344a53;
    /** Bytes per socket write: a 2 Mbit/s link still moves one within the shortest peer timeout (1 s). */
    private static final int SEND_SLICE_BYTES = 1 << 16;
    /** How often a worker that has received its chunk looks at the progress of its own send. */
    private static final long SEND_POLL_MILLIS = 200;

    private final int rank;
    private final int workers;
    private final Socket next;
    private final Socket previous;
    private final String previousName;
    private final String nextName;
    private final Duration peerTimeout;
    private final OutputStream out;
    private final InputStream in;
    private final ExecutorService sender;
    private final byte[] sendBuffer = new byte[PIECE_FLOATS * Float.BYTES];
    private final byte[] receiveBuffer = new byte[PIECE_FLOATS * Float.BYTES];
    private volatile long bytesSent;

    private RingAllReduce(int rank, int workers, Socket next, Socket previous, String previousName,
            String nextName, Duration peerTimeout) throws IOException {
        this.rank = rank;
        this.workers = workers;
        this.next = next;
        this.previous = previous;
        this.previousName = previousName;
        this.nextName = nextName;
        this.peerTimeout = peerTimeout;
        this.out = next == null ? null : next.getOutputStream();
        this.in = previous == null ? null : previous.getInputStream();
        this.sender = next == null ? null : Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
                .name("resnet4j-allreduce-send-" + rank).unstarted(r));
    }

    /** The ring of one worker: nothing to connect. */
    static RingAllReduce single() {
        try {
            return new RingAllReduce(0, 1, null, null, null, null, Duration.ZERO);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Connects worker {@code rank} to its ring neighbours: it dials {@code peers[rank + 1]} and accepts, on
     * {@code server} (already listening, and advertised to the others), the connection of {@code rank - 1}. Both
     * sides check a handshake carrying {@code session}, so a connection from another run or an earlier attempt is
     * refused.
     *
     * @throws WorkerSetupException when the successor cannot be reached or the predecessor does not connect within
     *                              {@code connectTimeout}
     */
    static RingAllReduce connect(int rank, List<InetSocketAddress> peers, ServerSocket server, String session,
            Duration connectTimeout, Duration peerTimeout) throws IOException {
        int workers = peers.size();
        if (workers == 1) {
            return single();
        }
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        int successor = (rank + 1) % workers;
        int predecessor = (rank + workers - 1) % workers;
        Socket next = dial(rank, successor, peers.get(successor), session, deadline, connectTimeout);
        Socket previous = null;
        try {
            previous = accept(rank, predecessor, server, session, deadline, connectTimeout);
            previous.setSoTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, peerTimeout.toMillis())));
            return new RingAllReduce(rank, workers, next, previous, describe(predecessor, peers),
                    describe(successor, peers), peerTimeout);
        } catch (IOException | RuntimeException e) {
            next.close();
            if (previous != null) {
                previous.close();
            }
            throw e;
        }
    }

    private static String describe(int worker, List<InetSocketAddress> peers) {
        InetSocketAddress address = peers.get(worker);
        return "worker " + worker + " (" + address.getHostString() + ":" + address.getPort() + ")";
    }

    private static Socket dial(int rank, int successor, InetSocketAddress address, String session, long deadline,
            Duration connectTimeout) throws IOException {
        IOException last;
        do {
            Socket socket = new Socket();
            try {
                long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                socket.connect(address, (int) Math.min(remainingMillis, 5_000));
                socket.setTcpNoDelay(true);
                DataOutputStream handshake = new DataOutputStream(socket.getOutputStream());
                handshake.writeInt(MAGIC);
                handshake.writeUTF(session);
                handshake.writeInt(rank);
                handshake.flush();
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
            sleepQuietly(200);
        } while (System.nanoTime() < deadline);
        throw new WorkerSetupException("worker " + rank + " cannot reach worker " + successor + " at "
                + address.getHostString() + ":" + address.getPort()
                + " (tried for " + connectTimeout.toSeconds() + " s: " + last + "). The workers send gradients to "
                + "each other directly over TCP: every executor must reach the others on any TCP port, at the "
                + "address it advertises (its executor's host, or --advertise-host)", last);
    }

    private static Socket accept(int rank, int predecessor, ServerSocket server, String session, long deadline,
            Duration connectTimeout) throws IOException {
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new WorkerSetupException("worker " + rank + ": worker " + predecessor + " did not connect to "
                        + server.getLocalSocketAddress() + " within " + connectTimeout.toSeconds() + " s. The workers "
                        + "send gradients to each other directly over TCP: every executor must reach the others on "
                        + "any TCP port, at the address it advertises (its executor's host, or --advertise-host)");
            }
            server.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            try {
                socket.setSoTimeout((int) Math.max(1, Math.min(remainingMillis, 10_000)));
                DataInputStream handshake = new DataInputStream(socket.getInputStream());
                if (handshake.readInt() == MAGIC && handshake.readUTF().equals(session)
                        && handshake.readInt() == predecessor) {
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            } catch (IOException e) {
                // Not our predecessor of this session (a stray or stale connection): refuse it, keep waiting.
            }
            socket.close();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Replaces {@code data} on every worker with the sum of all workers' {@code data}; all must pass equal lengths. */
    void sum(float[] data) throws IOException {
        if (workers == 1) {
            return;
        }
        for (int s = 0; s < workers - 1; s++) {
            exchange(data, mod(rank - s), mod(rank - s - 1), true);
        }
        for (int s = 0; s < workers - 1; s++) {
            exchange(data, mod(rank + 1 - s), mod(rank - s), false);
        }
    }

    private void exchange(float[] data, int sendChunk, int receiveChunk, boolean add) throws IOException {
        int sendFrom = begin(sendChunk, data.length);
        int sendTo = begin(sendChunk + 1, data.length);
        Future<?> sending = sender.submit(() -> {
            send(data, sendFrom, sendTo);
            return null;
        });
        try {
            receive(data, begin(receiveChunk, data.length), begin(receiveChunk + 1, data.length), add);
        } catch (IOException | RuntimeException e) {
            sending.cancel(true);
            throw e;
        }
        awaitSend(sending);
    }

    /**
     * Waits for this step's send. A successor that keeps its connection open but stops reading (stuck, or paused by
     * a debugger or the OS) fills the socket buffers and blocks the write for good: after {@code peerTimeout} without
     * a piece leaving, the connection is closed, which ends the write, and the sum fails as a silent predecessor's
     * does.
     */
    private void awaitSend(Future<?> sending) throws IOException {
        long progress = bytesSent;
        long lastProgressNanos = System.nanoTime();
        while (true) {
            try {
                sending.get(Math.min(SEND_POLL_MILLIS, Math.max(1, peerTimeout.toMillis())), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long sent = bytesSent;
                if (sent != progress) {
                    progress = sent;
                    lastProgressNanos = System.nanoTime();
                } else if (System.nanoTime() - lastProgressNanos >= peerTimeout.toNanos()) {
                    closeQuietly(next);
                    sending.cancel(true);
                    throw new IOException("worker " + rank + ": " + nextName + " took no gradient bytes for "
                            + peerTimeout.toSeconds() + " s (peer timeout)", e);
                }
            } catch (ExecutionException e) {
                throw new IOException("worker " + rank + ": sending gradients to " + nextName + " failed: "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("worker " + rank + ": interrupted during an all-reduce", e);
            }
        }
    }

    private void send(float[] data, int from, int to) throws IOException {
        FloatBuffer view = ByteBuffer.wrap(sendBuffer).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int position = from; position < to; position += PIECE_FLOATS) {
            int length = Math.min(PIECE_FLOATS, to - position);
            view.clear();
            view.put(data, position, length);
            // In slices, so that the send's progress (which the peer timeout watches) moves on a slow link too.
            for (int at = 0, bytes = length * Float.BYTES; at < bytes; at += SEND_SLICE_BYTES) {
                int slice = Math.min(SEND_SLICE_BYTES, bytes - at);
                out.write(sendBuffer, at, slice);
                bytesSent += slice;
            }
        }
        out.flush();
    }

    private void receive(float[] data, int from, int to, boolean add) throws IOException {
        FloatBuffer view = ByteBuffer.wrap(receiveBuffer).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int position = from; position < to; position += PIECE_FLOATS) {
            int length = Math.min(PIECE_FLOATS, to - position);
            readFully(length * Float.BYTES);
            if (add) {
                for (int i = 0; i < length; i++) {
                    data[position + i] += view.get(i);
                }
            } else {
                view.get(0, data, position, length);
            }
        }
    }

    private void readFully(int bytes) throws IOException {
        int read = 0;
        try {
            while (read < bytes) {
                int n = in.read(receiveBuffer, read, bytes - read);
                if (n < 0) {
                    throw new EOFException("worker " + rank + ": " + previousName + " closed its connection in the "
                            + "middle of an all-reduce (its task failed or was stopped)");
                }
                read += n;
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("worker " + rank + ": no gradient bytes from " + previousName + " for "
                    + peerTimeout.toSeconds() + " s (peer timeout)", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing: nothing left to do.
            }
        }
    }

    private int begin(int chunk, int length) {
        return (int) ((long) chunk * length / workers);
    }

    private int mod(int r) {
        return Math.floorMod(r, workers);
    }

    /** Gradient bytes this worker has sent so far (it receives as many). */
    long bytesSent() {
        return bytesSent;
    }

    /** Closes both connections; a blocked {@link #sum} on either side then fails. Safe from any thread, idempotent. */
    @Override
    public void close() {
        closeQuietly(next);
        closeQuietly(previous);
        if (sender != null) {
            sender.shutdownNow();
        }
    }
}
