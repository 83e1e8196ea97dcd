package org.resnet4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a small text file (a class-name list, a labels file) as strict UTF-8 with a size limit: a huge file costs no
 * more than the limit, and a file in another encoding fails naming the file, the byte and its offset, not with the
 * decoder's bare "Input length = 1".
 *
 * <p>Holds no state; safe to share between threads.
 */
public final class Utf8Files {
    private Utf8Files() {
    }

    /**
     * The text of {@code file}, which must be at most {@code maxBytes} bytes of UTF-8, without a leading byte-order
     * mark.
     *
     * @param what what the file should hold, for the message when it is too big ("a list of 10 class names")
     * @throws MalformedDataException naming the file and the limit, or the offset and value of the first byte that is
     *                                not UTF-8
     */
    public static String read(Path file, int maxBytes, String what) throws IOException {
        String where = file.getFileName() + " (" + file + ")";
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // One byte more than the limit at most: enough to tell a file that is too big.
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new MalformedDataException(where + ": more than " + maxBytes + " bytes, too big for " + what);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            String text = decoder.decode(in).toString();
            // A byte-order mark (Windows editors write one) is not part of the text: it would open the first name.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            // decode() leaves the buffer at the first byte it could not take.
            throw new MalformedDataException(where + ": not UTF-8 text: byte 0x"
                    + Integer.toHexString(bytes[in.position()] & 0xFF) + " at byte offset " + in.position(), e);
        }
    }
}
