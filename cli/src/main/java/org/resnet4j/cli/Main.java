package org.resnet4j.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code java --add-modules jdk.incubator.vector -jar target/resnet4j-cli.jar COMMAND [options]}. Exit status 0 on
 * success, 2 for a bad command line, 1 for any other failure, with a one-line reason on standard error.
 *
 * <p>{@link #main} runs one command and exits the JVM. A command given {@code --threads} sets the kernels' process-wide
 * thread count, which any other command running in the same process would share.
 *
 * <p>No instances and no state of its own: commands running at once in one process (tests call {@code run}) share
 * only such process-wide settings (that thread count, and the JDK HTTP server's limits that {@code serve} sets as
 * system properties when they are absent).
 */
public final class Main {
    /** The commands whose model comes from {@link ModelArguments}, so whose help lists the shared model options. */
    static final Set<String> MODEL_BUILDING_COMMANDS = Set.of("summary", "infer", "eval", "bench", "export",
            "features", "classify", "serve");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            // A bad command line, like any other: one line on standard error says why.
            err.println("error: no command given; commands: summary, infer, train, eval, bench, export, convert, "
                    + "features, figure6, finetune, serve, classify (--help lists their options)");
            return 2;
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage());
            return 0;
        }
        if (args[0].equals("--version") || args[0].equals("-V")) {
            out.println("resnet4j " + Version.current());
            return 0;
        }
        if (java.util.Arrays.stream(args).skip(1).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            String help = commandUsage(args[0]);
            if (help != null) {
                out.print(help);
                return 0;
            }
        }
        Workload.takeAnnounced();
        try {
            return switch (args[0]) {
                case "summary" -> SummaryCommand.run(args, out);
                case "infer" -> InferCommand.run(args, out);
                case "train" -> TrainCommand.run(args, out);
                case "eval" -> EvalCommand.run(args, out);
                case "bench" -> BenchCommand.run(args, out);
                case "export" -> ExportCommand.run(args, out);
                case "convert" -> ConvertCommand.run(args, out);
                case "features" -> FeaturesCommand.run(args, out);
                case "figure6" -> Figure6Command.run(args, out);
                case "finetune" -> FinetuneCommand.run(args, out);
                case "serve" -> ServeCommand.run(args, out);
                case "classify" -> ClassifyCommand.run(args, out);
                default -> throw new UsageException("unknown command '" + args[0]
                        + "'; commands: summary, infer, train, eval, bench, export, convert, features, figure6, "
                        + "finetune, serve, classify (--help lists their options)");
            };
        } catch (UsageException e) {
            err.println("error: " + oneLine(e));
            return 2;
        } catch (Exception e) {
            err.println("error: " + oneLine(e));
            return 1;
        } catch (OutOfMemoryError e) {
            // Here the command's buffers are unreachable, so the line (and the count in it) has heap to work with.
            err.println("error: " + OutOfMemoryMessage.of(Workload.takeAnnounced(), Runtime.getRuntime().maxMemory()));
            return 1;
        } finally {
            Workload.takeAnnounced();
        }
    }

    /** One line that names the file and the problem, whatever threw: never a bare path or a bare class name. */
    static String oneLine(Throwable e) {
        String message;
        if (e instanceof java.nio.file.NoSuchFileException f) {
            message = f.getFile() + ": no such file or directory";
        } else if (e instanceof java.nio.file.AccessDeniedException f) {
            message = f.getFile() + ": permission denied";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            message = f.getFile() + ": " + f.getReason();
        } else if (e.getMessage() == null || e.getMessage().isBlank()) {
            message = "unexpected " + e.getClass().getSimpleName() + (e.getStackTrace().length > 0 ? " at "
                    + e.getStackTrace()[0] : "");
        } else {
            message = e.getMessage();
        }
        return message.replace('\n', ' ');
    }

    /** The usage lines of {@code command}, and the model names, or null for an unknown command. */
    static String commandUsage(String command) {
        List<String> lines = usage().lines().toList();
        StringBuilder help = new StringBuilder("usage: ./resnet4j ");
        boolean inside = false;
        for (String line : lines) {
            String trimmed = line.strip();
            boolean commandLine = line.startsWith("  ") && !line.startsWith("    ");
            if (commandLine) {
                inside = trimmed.startsWith(command + " ");
            } else if (!line.startsWith("    ")) {
                inside = false;
            }
            if (inside) {
                help.append(commandLine ? trimmed : "    " + trimmed).append('\n');
            }
        }
        if (help.length() == "usage: ./resnet4j ".length()) {
            return null;
        }
        // The shared model options belong to the commands that build their model from them (ModelArguments).
        String tail = MODEL_BUILDING_COMMANDS.contains(command) ? "model options" : "models:";
        return help.append(lines.stream().dropWhile(l -> !l.startsWith(tail)).map(l -> l + "\n")
                .reduce("", String::concat)).toString();
    }

    static String usage() {
        return """
                usage: ./resnet4j COMMAND [options]     (COMMAND --help: its options; --version: the version)
                commands:
                  summary --model NAME [--classes N] [--image-size S] [--shortcut A|B|C] [--batch 128]
                  infer   [--model NAME] --weights W.safetensors|W.pth --input X.safetensors --output Y.safetensors
                          [--classes N] [--normalized]
                  train   --model NAME --data DIR [--iterations N | --epochs E] [--batch 128] [--lr 0.1]
                          [--schedule paper|cosine] [--val-size 5000] [--seed S] [--threads T]
                          [--checkpoint-dir D] [--checkpoint-every N] [--resume | --overwrite] [--eval-every N]
                          [--records-per-file 10000] [--normalization channel|pixel] [--momentum 0.9]
                          [--weight-decay 0.0001] [--warmup-iterations N --warmup-lr R] [--log-every 100];
                          DIR CIFAR-10 or an image folder (DIR/<class>/<image>) [--image-size S] [--val-fraction 0.1]
                          [--exif apply|ignore]
                  eval    [--model NAME] --weights W.safetensors|W.pth --data DIR [--split test|val|train]
                          [--batch B] [--threads T] [--records-per-file 10000]; DIR CIFAR-10 or an image
                          folder (DIR/<class>/<image>, classes by name) [--image-size S] [--resize R]
                          [--exif apply|ignore]
                  bench   --model NAME --mode train|infer --batch B [--image-size S] [--threads T] [--seconds S]
                          [--freeze-backbone]
                  export  [--model NAME] --weights W.safetensors|W.pth --onnx OUT.onnx [--batch N|dynamic]
                          [--image-size S] [--classes N]
                  convert --input X.pth --output Y.safetensors [--key NAME] [--strip-prefix P]
                          [--mean R,G,B --std R,G,B]
                  features [--model NAME] --weights W.safetensors|W.pth --image FILE [FILE ...]
                          --output F.safetensors [--image-size S] [--resize R] [--exif apply|ignore]
                  figure6 --run DIR [DIR ...] --output figure6.png
                  classify [--model NAME] --weights W.safetensors|W.pth --image FILE [FILE ...] [--top 5]
                          [--labels imagenet|FILE] [--output logits.safetensors] [--image-size S] [--resize R]
                          [--exif apply|ignore]
                  finetune [--model NAME] --weights W.safetensors|W.pth --data DIR --classes-from-folders
                          [--freeze-backbone] [--epochs 10] [--lr 0.01] [--batch 32] [--image-size S]
                          [--val-fraction 0.1] [--seed S] [--threads T] [--checkpoint-dir D] [--resume | --overwrite]
                          [--exif apply|ignore]
                  serve   [--model NAME] --weights W.safetensors|W.pth [--host 127.0.0.1] [--port 8080] [--threads T]
                          [--max-batch 32] [--max-wait-ms 5] [--max-queue 128] [--max-body-bytes 1048576]
                          [--timeout-ms 30000] [--grace-seconds 25] [--workers 1] [--labels FILE] [--image-size S]
                          [--resize R] [--max-pixels 16777216] [--exif apply|ignore]
                model options (every command that reads weights or measures a model; train and finetune take
                        the model's name only): [--classes N] [--shortcut A|B|C] [--stride-on-first-1x1]
                        [--zero-init-residual] [--init-seed S]; a command that reads weights builds the
                        network W records with its classifier's class count unless --model/--classes say otherwise
                models: resnet18 resnet34 resnet50 resnet101 resnet152 resnet20 resnet32 resnet44 resnet56 resnet110
                        resnet1202 plain18 plain34 plain20 plain32 plain44 plain56 plain110
                """;
    }
}
