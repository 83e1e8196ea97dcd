import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kill-anywhere soak of training and exact resume: trains a small ResNet-20 run once without interruption, then
 * again under {@code --resume} while killing it with SIGKILL at {@code --kills} random moments, and checks that the
 * killed run ends exactly where the uninterrupted one does ({@link SoakChecks#compareRuns}) and that no kill ever left
 * a partly written file under a final name ({@link SoakChecks#finalFilesComplete}).
 *
 * <p>Kill moments cycle through three kinds, so that every phase of a run gets hit: a uniformly random time after the
 * launch (the launcher, JVM start-up, data reading, the first steps); a random time after the run logged its first
 * step (training, evaluation, writing); and, every other round, 0-1 ms after the 1st to 9th temporary file of an atomic
 * write appeared in the run directory (inside a metrics, curves, checkpoint or final-weights write, or at its rename).
 * Every iteration writes a checkpoint, a metrics row and the curves, so writes are a large share of the run's time.
 * Times are scaled by the start-up and step times of the uninterrupted run, so that a round advances the run by a few
 * steps, on a fast machine or a slow one, and the kills spread over epochs, learning-rate steps and the end.
 *
 * <p>Run through {@code src/test/scripts/kill_soak.sh}, which builds the CLI jar and puts it on the class path. Exit
 * status 0 and a last line {@code kill_soak: PASS ...} when every check held.
 */
public final class KillSoak {
    private static final int RECORDS_PER_FILE = 16;
    private static final String[] CLASS_NAMES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck"};

    private enum Moment { ANY_TIME, WHILE_TRAINING, IN_A_WRITE }

    private static final Moment[] CYCLE = {Moment.IN_A_WRITE, Moment.ANY_TIME, Moment.IN_A_WRITE,
            Moment.WHILE_TRAINING};

    public static void main(String[] argv) throws Exception {
        int kills = 20;
        int iterations = 60;
        long seed = System.nanoTime();
        Path work = null;
        for (int i = 0; i < argv.length; i += 2) {
            String value = i + 1 < argv.length ? argv[i + 1] : "";
            switch (argv[i]) {
                case "--kills" -> kills = Integer.parseInt(value);
                case "--iterations" -> iterations = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--work" -> work = Path.of(value);
                default -> {
                    System.err.println("usage: KillSoak [--kills 20] [--iterations 60] [--seed S] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        boolean temporary = work == null;
        work = temporary ? Files.createTempDirectory("kill-soak-") : Files.createDirectories(work);
        System.out.println("kill_soak: seed " + seed + ", " + kills + " kills, " + iterations + " iterations, in "
                + work);
        boolean passed = new KillSoak(work, iterations, new SplittableRandom(seed)).soak(kills);
        if (passed && temporary) {
            // A failure keeps its folder (data, both runs, the log) for a look.
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        System.exit(passed ? 0 : 1);
    }

    private final Path data;
    private final Path reference;
    private final Path killed;
    private final Path log;
    private final int iterations;
    private final SplittableRandom random;
    /** Measured on the uninterrupted run: launch to first step, and one step (with its writes). */
    private long startupMillis;
    private long stepMillis;

    private KillSoak(Path work, int iterations, SplittableRandom random) {
        this.data = work.resolve("data");
        this.reference = work.resolve("uninterrupted");
        this.killed = work.resolve("killed");
        this.log = work.resolve("train.log");
        this.iterations = iterations;
        this.random = random;
    }

    private boolean soak(int kills) throws Exception {
        writeData();
        long start = System.nanoTime();
        TrainingRun run = TrainingRun.start(trainCommand(reference, false), log);
        if (run.process().waitFor() != 0) {
            return fail("the uninterrupted run exited with status " + run.process().exitValue() + " (see " + log + ")");
        }
        startupMillis = run.firstStepMillis();
        stepMillis = Math.max(1, (run.lastStepMillis() - run.firstStepMillis()) / Math.max(1, iterations - 1));
        System.out.printf("kill_soak: uninterrupted run done in %.1f s (first step after %d ms, then %d ms a step)%n",
                (System.nanoTime() - start) / 1e9, startupMillis, stepMillis);

        Files.createDirectories(killed);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> insideWrites = new TreeMap<>();
        int done = 0;
        for (int round = 1; done < kills; round++) {
            Moment moment = CYCLE[round % CYCLE.length];
            List<String> before = SoakChecks.temporaryFiles(killed);
            TrainingRun resumed = TrainingRun.start(trainCommand(killed, true), log);
            if (!killAt(resumed, moment)) {
                // The run ended before the chosen moment: nothing was killed, so this round does not count.
                int status = resumed.process().waitFor();
                System.out.printf("kill_soak: round %d (%s): the run ended by itself (status %d)%n", round, moment,
                        status);
                if (status != 0) {
                    return fail("a resumed run exited with status " + status + " (see " + log + ")");
                }
                if (round > 3 * kills) {
                    // Finished runs leave little to kill (start-up and the final write); report, do not loop forever.
                    System.out.println("kill_soak: the run ended before kill " + (done + 1) + ": stopping there");
                    break;
                }
                continue;
            }
            done++;
            // A temporary file that was not there before shows that the kill landed inside that write.
            List<String> left = SoakChecks.temporaryFiles(killed).stream().filter(f -> !before.contains(f)).toList();
            left.forEach(f -> insideWrites.merge(f.replaceAll("^\\.|\\.[0-9a-f]+\\.tmp$", ""), 1, Integer::sum));
            List<String> broken = SoakChecks.finalFilesComplete(killed);
            broken.forEach(p -> problems.add("after kill " + moment + " at " + resumed.millis() + " ms: " + p));
            System.out.printf("kill_soak: kill %d/%d %s at %d ms, checkpoint at iteration %s%s%s%n", done, kills,
                    moment, resumed.millis(), SoakChecks.checkpointIteration(killed),
                    left.isEmpty() ? "" : ", inside the write of " + left,
                    broken.isEmpty() ? "" : ", BROKEN " + broken);
        }
        TrainingRun last = TrainingRun.start(trainCommand(killed, true), log);
        if (last.process().waitFor() != 0) {
            return fail("the last resume exited with status " + last.process().exitValue() + " (see " + log + ")");
        }
        SoakChecks.temporaryFiles(killed).forEach(f -> problems.add("left after the last resume: " + f));
        problems.addAll(SoakChecks.compareRuns(reference, killed));
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.out.println("kill_soak: " + p));
            return fail(problems.size() + " problems (seed and log above)");
        }
        System.out.printf("kill_soak: PASS kills=%d inside_writes=%s iterations=%d seconds=%.0f: model.safetensors "
                + "tensors identical, checkpoint tensors identical, metrics rows identical%n", done, insideWrites, iterations,
                (System.nanoTime() - start) / 1e9);
        return true;
    }

    /** Waits for {@code moment} and kills the run with SIGKILL; false when the run ended first. */
    private boolean killAt(TrainingRun run, Moment moment) throws Exception {
        Process process = run.process();
        boolean reached;
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            killed.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            reached = switch (moment) {
                case ANY_TIME -> sleepWhileAlive(process, random.nextLong(0, startupMillis + 4 * stepMillis));
                case WHILE_TRAINING -> run.awaitFirstStep() && sleepWhileAlive(process, random.nextLong(0,
                        6 * stepMillis));
                // Past 0-8 writes, so that each of a step's three (metrics, curves, checkpoint) gets its turn.
                case IN_A_WRITE -> awaitTemporaryFiles(process, watcher, 1 + random.nextInt(9))
                        && sleepWhileAlive(process, random.nextLong(0, 2));
            };
        }
        if (!reached || !process.isAlive()) {
            return false;
        }
        // SIGKILL: the process gets no chance to finish a write or run a shutdown hook.
        process.destroyForcibly();
        process.waitFor();
        return true;
    }

    private static boolean sleepWhileAlive(Process process, long millis) throws InterruptedException {
        return !process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits for the {@code count}th file named like an atomic write's temporary file ({@code .<name>.<hex>.tmp}). */
    private static boolean awaitTemporaryFiles(Process process, WatchService watcher, int count)
            throws InterruptedException {
        int seen = 0;
        while (process.isAlive()) {
            WatchKey key = watcher.poll(5, TimeUnit.MILLISECONDS);
            if (key == null) {
                continue;
            }
            seen += (int) key.pollEvents().stream().filter(e -> SoakChecks.isTemporary(e.context().toString()))
                    .count();
            key.reset();
            if (seen >= count) {
                return true;
            }
        }
        return false;
    }

    private static boolean fail(String why) {
        System.out.println("kill_soak: FAIL " + why);
        return false;
    }

    /** Five training files of random pixels, labels {@code r % 10}, and the class names. */
    private void writeData() throws IOException {
        Files.createDirectories(data);
        for (int f = 1; f <= 5; f++) {
            byte[] bytes = new byte[RECORDS_PER_FILE * 3073];
            random.nextBytes(bytes);
            for (int r = 0; r < RECORDS_PER_FILE; r++) {
                bytes[r * 3073] = (byte) (r % 10);
            }
            Files.write(data.resolve("data_batch_" + f + ".bin"), bytes);
        }
        Files.writeString(data.resolve("batches.meta.txt"), String.join("\n", CLASS_NAMES) + "\n");
    }

    /** ResNet-20, batch 4, 8 images held out; a checkpoint, an evaluation and a metrics row after every step. */
    private List<String> trainCommand(Path runDirectory, boolean resume) {
        List<String> command = new ArrayList<>(List.of("./resnet4j", "train", "--model", "resnet20", "--data",
                data.toString(), "--records-per-file", Integer.toString(RECORDS_PER_FILE), "--iterations",
                Integer.toString(iterations), "--batch", "4", "--lr", "0.02", "--val-size", "8", "--seed", "3",
                "--threads", "1", "--checkpoint-every", "1", "--eval-every", "1", "--log-every", "1",
                "--checkpoint-dir", runDirectory.toString()));
        if (resume) {
            command.add("--resume");
        }
        return command;
    }

    /** A training process whose output goes to the log, timing its step lines. */
    private record TrainingRun(Process process, long launched, long[] steps) {
        static TrainingRun start(List<String> command, Path log) throws IOException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            TrainingRun run = new TrainingRun(process, System.nanoTime(), new long[] {-1, -1});
            PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
            out.println("==== " + String.join(" ", command));
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8)); out) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        out.println(line);
                        if (line.matches(".* INFO  iteration \\d+/\\d+ .*")) {
                            run.stepLogged();
                        }
                    }
                } catch (IOException e) {
                    out.println("(output lost: " + e + ")");
                }
            });
            return run;
        }

        private synchronized void stepLogged() {
            long now = millis();
            if (steps[0] < 0) {
                steps[0] = now;
                notifyAll();
            }
            steps[1] = now;
        }

        synchronized long firstStepMillis() {
            return steps[0];
        }

        synchronized long lastStepMillis() {
            return steps[1];
        }

        /** Waits for the first step line; false when the process ended without one. */
        synchronized boolean awaitFirstStep() throws InterruptedException {
            while (steps[0] < 0 && process.isAlive()) {
                wait(5);
            }
            return steps[0] >= 0;
        }

        long millis() {
            return (System.nanoTime() - launched) / 1_000_000;
        }
    }
}
