package org.resnet4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Writes small tar archives byte by byte (POSIX ustar headers), for the tar reader and installer tests. */
final class TarFixtures {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A regular file; names over 100 bytes go into the ustar prefix field. */
    TarFixtures file(String name, byte[] content) {
        return entry(name, '0', content);
    }

    TarFixtures directory(String name) {
        return entry(name, '5', new byte[0]);
    }

    /** A file whose name is given by a preceding GNU long-name entry; the header itself holds a truncated name. */
    TarFixtures gnuLongNameFile(String name, byte[] content) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        entry("././@LongLink", 'L', nameBytes);
        return entry(name.substring(0, 99), '0', content);
    }

    TarFixtures entry(String name, char type, byte[] content) {
        byte[] header = new byte[512];
        String prefix = "";
        if (name.length() > 100) {
            int slash = name.lastIndexOf('/', 155);
            prefix = name.substring(0, slash);
            name = name.substring(slash + 1);
        }
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0001750");
        put(header, 116, "0001750");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 1_300_000_000L));
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        put(header, 345, prefix);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    /** The archive with its end marker (two zero blocks). */
    byte[] tar() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    byte[] tarGz() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(tar());
        }
        return compressed.toByteArray();
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
