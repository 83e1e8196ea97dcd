import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection kept alive across requests, as one wrk connection: a request, then its whole answer.
 * Reconnects after the server closes or a failure. Reads only what the server sends (a Content-Length body).
 */
final class LoadClient implements AutoCloseable {
    /** A status and body; status -1 when the connection failed. */
    record Answer(int status, String body) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    LoadClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Answer send(String method, String target, byte[] body) {
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setSoTimeout(120_000);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = socket.getOutputStream();
            }
            StringBuilder head = new StringBuilder().append(method).append(' ').append(target)
                    .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
            if (body != null) {
                head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(body.length)
                        .append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            return new Answer(-1, e.toString());
        }
    }

    private Answer readAnswer() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("answer ended after " + body.length + " of " + length + " bytes");
        }
        if (close) {
            close();
        }
        return new Answer(status, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
            socket = null;
        }
    }
}
