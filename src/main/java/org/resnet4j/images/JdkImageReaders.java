package org.resnet4j.images;

import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * The JDK's own PNG and JPEG readers, whatever other ImageIO plugins the process has registered. ImageIO hands out
 * the first reader of its process-wide registry, and a plugin on an application's class path (a JPEG reader with
 * colour management, say) orders itself first: it would change the pixels of every decode in the process, silently.
 * The decoder's contract, Pillow's bytes, was measured with the JDK's readers, so those are the ones used.
 *
 * <p>Holds no state; safe to call from any thread.
 */
final class JdkImageReaders {
    private static final String JDK_PLUGINS = "com.sun.imageio.plugins.";

    private JdkImageReaders() {
    }

    /** A new reader of {@code format} ("png" or "jpeg") from the JDK's own plugin; the caller disposes of it. */
    static ImageReader forFormat(String format, String source) throws ImageDecodingException {
        Iterator<ImageReaderSpi> providers =
                IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (provider.getClass().getName().startsWith(JDK_PLUGINS)
                    && Arrays.asList(provider.getFormatNames()).contains(format)) {
                try {
                    return provider.createReaderInstance();
                } catch (java.io.IOException e) {
                    throw new ImageDecodingException(source + ": the JDK's " + format + " decoder cannot start: "
                            + e.getMessage(), e);
                }
            }
        }
        throw new ImageDecodingException(source + ": the JDK's " + format + " decoder is not available");
    }
}
