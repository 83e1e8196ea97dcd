package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random corruptions of a valid file: the reader either reads them or fails with its own exception, never with
 * anything else (no index errors, no out-of-memory from a huge declared size, no hang).
 */
class SafeTensorsFuzzTest {
    private static final int CASES = 4000;
    private static final byte[] JSON_BYTES = "{}[]\",:-0123456789 \\uFe".getBytes();

    @Test
    @Timeout(60)
    void corruptedFilesFailOnlyWithTheLibrarysException() {
        byte[] valid = SafeTensorsTestFiles.sample();
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        SplittableRandom random = new SplittableRandom(20_161_127);
        int rejected = 0;
        Set<String> rules = new HashSet<>();
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = mutate(valid, headerEnd, random);
            try {
                SafeTensors.read("fuzz", bytes);
            } catch (SafeTensorsException e) {
                rejected++;
                // Keep the message's shape, not its numbers, to count distinct rules that fired.
                rules.add(e.getMessage().replaceAll("[0-9]+", "#").replaceAll("'[^']*'|\"[^\"]*\"", "_"));
            } catch (Throwable t) {
                fail("case " + i + ": " + t + " for bytes " + Arrays.toString(bytes), t);
            }
        }
        assertTrue(rejected > CASES / 2, "most corruptions must be caught, only " + rejected + " were");
        assertTrue(rules.size() > 50, "the corruptions should reach many rules, reached " + rules.size());
    }

    private static byte[] mutate(byte[] valid, int headerEnd, SplittableRandom random) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(6)) {
            case 0 -> { // a few random bytes anywhere
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> { // a JSON-significant byte inside the header
                bytes[8 + random.nextInt(headerEnd - 8)] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
            }
            case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated
            case 3 -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16)); // padded with zeros
            case 4 -> { // a wrong header length: huge, negative, or off by a little
                long length = switch (random.nextInt(3)) {
                    case 0 -> random.nextLong();
                    case 1 -> random.nextLong(200_000_000L);
                    default -> headerEnd - 8 + random.nextInt(-16, 17);
                };
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            }
            default -> { // one header byte deleted or inserted, with the length prefix kept consistent
                int at = 8 + random.nextInt(headerEnd - 8);
                boolean insert = random.nextBoolean();
                byte[] changed = new byte[bytes.length + (insert ? 1 : -1)];
                System.arraycopy(bytes, 0, changed, 0, at);
                if (insert) {
                    changed[at] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
                    System.arraycopy(bytes, at, changed, at + 1, bytes.length - at);
                } else {
                    System.arraycopy(bytes, at + 1, changed, at, bytes.length - at - 1);
                }
                ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerEnd - 8 + (insert ? 1 : -1));
                bytes = changed;
            }
        }
        return bytes;
    }
}
