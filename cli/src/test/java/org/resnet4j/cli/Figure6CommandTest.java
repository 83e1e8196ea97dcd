package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.TensorEntry;

/** {@code figure6}: runs' metrics drawn as the paper's Figure 6, plain networks left, residual ones right. */
class Figure6CommandTest {
    @TempDir
    Path dir;

    /** A run directory as train leaves it, as far as figure6 reads it: metrics and the checkpoint's model name. */
    private Path run(String model, double... trainErrors) throws IOException {
        return run(model, model, trainErrors);
    }

    /** As {@link #run(String, double...)}, in the directory {@code name}. */
    private Path run(String name, String model, double... trainErrors) throws IOException {
        Path run = dir.resolve(name);
        Files.createDirectories(run);
        StringBuilder csv = new StringBuilder("iteration,epoch,learning_rate,train_loss,train_error,val_loss,val_error,"
                + "images_per_second,elapsed_seconds\n");
        for (int i = 0; i < trainErrors.length; i++) {
            csv.append(1000 * (i + 1)).append(",1,0.1,1.0,").append(trainErrors[i]).append(",,,400,10\n");
        }
        Files.writeString(run.resolve("metrics.csv"), csv);
        SafeTensors.write(run.resolve("checkpoint.safetensors"), List.of(TensorEntry.scalarLong("x", 1)),
                Map.of("model", model));
        return run;
    }

    @Test
    void drawsBothPanelsAndReportsEachRunsLastTrainingError() throws IOException {
        Path plain20 = run("plain20", 0.5, 0.3, 0.12);
        Path resnet56 = run("resnet56", 0.5, 0.2, 0.031);
        Path png = dir.resolve("figure6.png");

        Cli result = Cli.run("figure6", "--run", plain20.toString(), "--run", resnet56.toString(), "--output",
                png.toString()).assertSuccess();

        assertEquals(List.of("run=" + plain20 + " model=plain20 iterations=3000 train_error=12.00%",
                "run=" + resnet56 + " model=resnet56 iterations=3000 train_error=3.10%", "figure=" + png),
                result.outLines());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1120, image.getWidth());
        // Orange for depth 20 on the left half only, red for depth 56 on the right half only.
        assertTrue(count(image, 0, 560, 230, 160, 20) > 20 && count(image, 560, 1120, 230, 160, 20) == 0);
        assertTrue(count(image, 560, 1120, 200, 40, 40) > 20 && count(image, 0, 560, 200, 40, 40) == 0);
    }

    /**
     * Two runs of one network (the 45k and the 50k ResNet-20, say) would get one label, and the second silently
     * replaced the first in the figure while both were reported: refused, naming both.
     */
    @Test
    void twoRunsOfOneNetworkAreRefusedRatherThanOneDrawnOverTheOther() throws IOException {
        Path first = run("resnet20-45k", "resnet20", 0.5, 0.2);
        Path second = run("resnet20-full", "resnet20", 0.4, 0.1);
        Path png = dir.resolve("figure6.png");

        Cli.run("figure6", "--run", first.toString(), "--run", second.toString(), "--output", png.toString())
                .assertFailure(1, second + ": a second run of resnet20 (the first is " + first + ")");
        assertTrue(Files.notExists(png));
    }

    @Test
    void aDirectoryThatIsNoRunIsOneLine() {
        Cli.run("figure6", "--run", dir.resolve("nothing").toString(), "--output", dir.resolve("f.png").toString())
                .assertFailure(1, "nothing: not a training run");
    }

    private static long count(BufferedImage image, int fromX, int toX, int r, int g, int b) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xFF) - r) < 8 && Math.abs(((rgb >> 8) & 0xFF) - g) < 8
                        && Math.abs((rgb & 0xFF) - b) < 8) {
                    n++;
                }
            }
        }
        return n;
    }
}
