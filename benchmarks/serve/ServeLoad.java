import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Load test of {@code resnet4j serve}, a source program run with the CLI jar on the class path (no build step):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/resnet4j-cli.jar benchmarks/serve/ServeLoad.java MODE ...
 *   prepare --model NAME --weights W --out DIR [--images 256] [--format png|jpg] [--data CIFAR_DIR]
 *       writes DIR/images/* and DIR/expected.tsv: each image's top 5 from the library itself, one image at a time
 *   random-weights --model NAME --out W [--seed 1]
 *       random (initialized, untrained) weights; an ImageNet model's record no normalization, as torchvision's
 *   run --port P --dir DIR --clients 64 --seconds 60 [--warmup-seconds 10] [--bad-fraction 0] [--host 127.0.0.1]
 *       closed loop: each client keeps one connection and sends its next request when the last is answered
 * </pre>
 *
 * A Java client rather than wrk: every answer is checked against the expected top 5 of its own image (indices and
 * probability bits), which a wrk Lua script cannot do (its response hook does not know which request it answers).
 * {@code prepare} must run with the server's JVM flags on the server's machine, so that the kernels are the same.
 */
public final class ServeLoad {
    private ServeLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ServeLoad prepare|random-weights|run --option value ...");
        }
        Map<String, String> options = options(args);
        switch (args[0]) {
            case "prepare" -> Workload.prepare(options.get("model"), Path.of(required(options, "weights")),
                    Path.of(required(options, "out")), Integer.parseInt(options.getOrDefault("images", "256")),
                    options.getOrDefault("format", "png"), options.containsKey("data") ? Path.of(options.get("data")) : null);
            case "random-weights" -> Workload.randomWeights(required(options, "model"), Path.of(required(options, "out")),
                    Long.parseLong(options.getOrDefault("seed", "1")));
            case "run" -> LoadRun.run(new LoadRun.Settings(options.getOrDefault("host", "127.0.0.1"),
                    Integer.parseInt(required(options, "port")), Path.of(required(options, "dir")),
                    Integer.parseInt(options.getOrDefault("clients", "64")),
                    Double.parseDouble(options.getOrDefault("seconds", "60")),
                    Double.parseDouble(options.getOrDefault("warmup-seconds", "10")),
                    Double.parseDouble(options.getOrDefault("bad-fraction", "0"))));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
