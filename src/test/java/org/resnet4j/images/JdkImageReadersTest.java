package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * Another ImageIO plugin that orders itself before the JDK's (as third-party JPEG readers do on an application's class
 * path) changes nothing the decoder returns: it used to take the registry's first reader, and so decoded every image
 * in the process with the plugin.
 */
class JdkImageReadersTest {
    @Test
    void aPluginOrderedFirstIsNotUsed() throws IOException {
        ImageDecoder decoder = ImageDecoder.standard();
        byte[] jpeg = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("baseline.jpg"));
        byte[] png = Files.readAllBytes(ImageFixtures.DIRECTORY.resolve("rgb.png"));
        RgbImage jpegBefore = decoder.decode(jpeg, "baseline.jpg");
        RgbImage pngBefore = decoder.decode(png, "rgb.png");

        IIORegistry registry = IIORegistry.getDefaultInstance();
        OnePixelReaderSpi plugin = new OnePixelReaderSpi();
        registry.registerServiceProvider(plugin, ImageReaderSpi.class);
        try {
            for (ImageReaderSpi jdk : jdkProviders(registry)) {
                registry.setOrdering(ImageReaderSpi.class, plugin, jdk);
            }
            ImageReader first = javax.imageio.ImageIO.getImageReadersByFormatName("jpeg").next();
            assertEquals(OnePixelReaderSpi.class, first.getOriginatingProvider().getClass(),
                    "the plugin must come first in the registry, or this test shows nothing");

            assertEquals(0, ImageFixtures.maxDifference(jpegBefore, decoder.decode(jpeg, "baseline.jpg")));
            assertEquals(0, ImageFixtures.maxDifference(pngBefore, decoder.decode(png, "rgb.png")));
            ImageHeader header = ImageHeader.read(jpeg, "baseline.jpg");
            assertEquals(jpegBefore.width(), header.width());
            assertEquals(jpegBefore.height(), header.height());
        } finally {
            registry.deregisterServiceProvider(plugin, ImageReaderSpi.class);
        }
    }

    private static List<ImageReaderSpi> jdkProviders(IIORegistry registry) {
        List<ImageReaderSpi> jdk = new java.util.ArrayList<>();
        Iterator<ImageReaderSpi> providers = registry.getServiceProviders(ImageReaderSpi.class, true);
        providers.forEachRemaining(p -> {
            if (p.getClass().getName().startsWith("com.sun.imageio.plugins.")) {
                jdk.add(p);
            }
        });
        return jdk;
    }

    /** A plugin for PNG and JPEG that decodes every image to one black pixel. */
    private static final class OnePixelReaderSpi extends ImageReaderSpi {
        OnePixelReaderSpi() {
            super("test", "1", new String[] {"jpeg", "JPEG", "jpg", "png", "PNG"}, null, null,
                    OnePixelReader.class.getName(), new Class<?>[] {ImageInputStream.class}, null, false, null, null,
                    null, null, false, null, null, null, null);
        }

        @Override
        public boolean canDecodeInput(Object source) {
            return true;
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new OnePixelReader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "one black pixel";
        }
    }

    private static final class OnePixelReader extends ImageReader {
        OnePixelReader(ImageReaderSpi provider) {
            super(provider);
        }

        @Override
        public int getNumImages(boolean allowSearch) {
            return 1;
        }

        @Override
        public int getWidth(int imageIndex) {
            return 1;
        }

        @Override
        public int getHeight(int imageIndex) {
            return 1;
        }

        @Override
        public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
            return List.of(ImageTypeSpecifier.createFromRenderedImage(
                    new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR))).iterator();
        }

        @Override
        public IIOMetadata getStreamMetadata() {
            return null;
        }

        @Override
        public IIOMetadata getImageMetadata(int imageIndex) {
            return null;
        }

        @Override
        public BufferedImage read(int imageIndex, ImageReadParam param) {
            return new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
        }
    }
}
