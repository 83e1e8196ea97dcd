package org.resnet4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.optim.LearningRateSchedule;

/** The settings of a distributed run: its learning rates and what its checkpoints record of them. */
class DistributedConfigTest {
    private static final DistributedConfig TWENTY = DistributedConfig.defaults("resnet110", 2).withIterations(20);

    /** The paper's ResNet-110 start (0.01 until training error falls, then 0.1), as train's --warmup-iterations. */
    @Test
    void aWarmUpRunsItsRateFirstThenTheSchedule() {
        LearningRateSchedule rates = TWENTY.withWarmup(3, 0.01).learningRates();
        LearningRateSchedule single = LearningRateSchedule.paper(0.1, 20).withConstantWarmup(3, 0.01);
        for (long i = 0; i < 20; i++) {
            assertEquals(single.rate(i), rates.rate(i), "step " + i);
        }
        assertEquals(0.01, rates.rate(2), 1e-15);
        assertEquals(0.1, rates.rate(3), 1e-15);
        assertEquals(0.001, rates.rate(15), 1e-15);
        assertEquals(0.1, TWENTY.learningRates().rate(0), 1e-15, "no warm-up by default");
    }

    /** Checkpoints of runs without a warm-up (all made before the option) record no warm-up keys, so they resume. */
    @Test
    void theRecipeNamesAWarmUpOnlyWhenThereIsOne() {
        assertFalse(TWENTY.recipe().containsKey("warmup_iterations"));
        assertEquals("400", TWENTY.withWarmup(400, 0.01).recipe().get("warmup_iterations"));
        assertEquals("0.01", TWENTY.withWarmup(400, 0.01).recipe().get("warmup_rate"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TWENTY.withWarmup(5, 0));
        assertTrue(e.getMessage().startsWith("warm-up: iterations must be >= 0 and the rate > 0, got 5 at 0.0"),
                e.getMessage());
    }

    /**
     * A checkpoint of a run with a warm-up, resumed without one (or the other way round), is refused: the comparison
     * went over the resuming run's recipe keys only, so a run stopped inside its warm-up continued silently at the
     * schedule's rate.
     */
    @Test
    void aResumeWithoutTheCheckpointsWarmUpIsRefused(@TempDir Path dir) throws IOException {
        DistributedConfig warm = TWENTY.withWarmup(10, 0.01);
        SafeTensors.write(dir.resolve(SparkCheckpoint.FILE), List.of(), SparkCheckpoint.metadata(warm, 5, 50, Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkCheckpoint.read(dir, TWENTY, 50, Map.of()));
        assertTrue(e.getMessage().contains("warmup_iterations saved 10, asked null"), e.getMessage());
        assertEquals(5, SparkCheckpoint.read(dir, warm, 50, Map.of()).step()); // the same warm-up resumes

        SafeTensors.write(dir.resolve(SparkCheckpoint.FILE), List.of(), SparkCheckpoint.metadata(TWENTY, 5, 50, Map.of()));
        e = assertThrows(IllegalArgumentException.class, () -> SparkCheckpoint.read(dir, warm, 50, Map.of()));
        assertTrue(e.getMessage().contains("warmup_iterations saved null, asked 10"), e.getMessage());
    }

    /** A NaN or infinite setting trains NaN weights: refused up front, naming the setting and its value. */
    @Test
    void nanInfiniteOrZeroRatesAndNanMomentumAreRefused() {
        List<Executable> settings = List.of(
                () -> TWENTY.withOptimizer(0.1, "paper", Double.NaN, 1e-4),
                () -> TWENTY.withOptimizer(0.1, "paper", 1.0, 1e-4),
                () -> TWENTY.withOptimizer(0.1, "paper", 0.9, Double.POSITIVE_INFINITY),
                () -> TWENTY.withOptimizer(0.1, "paper", 0.9, Double.NaN),
                () -> TWENTY.withOptimizer(0, "paper", 0.9, 1e-4),
                () -> TWENTY.withOptimizer(Double.NaN, "paper", 0.9, 1e-4),
                () -> TWENTY.withOptimizer(Double.POSITIVE_INFINITY, "paper", 0.9, 1e-4),
                () -> TWENTY.withWarmup(5, Double.POSITIVE_INFINITY));
        List<String> messages = List.of("momentum must be in [0, 1), got NaN", "momentum must be in [0, 1), got 1.0",
                "weight decay must be a finite number >= 0, got Infinity",
                "weight decay must be a finite number >= 0, got NaN",
                "learning rate must be a finite number > 0, got 0.0",
                "learning rate must be a finite number > 0, got NaN",
                "learning rate must be a finite number > 0, got Infinity",
                "warm-up: iterations must be >= 0 and the rate > 0, got 5 at Infinity");
        for (int i = 0; i < settings.size(); i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, settings.get(i));
            assertEquals(messages.get(i), e.getMessage());
        }
    }

    /** 0 s would make a socket wait forever; negative or huge ones fail far from the option's name. */
    @Test
    void timeoutsOutsideOneSecondToOneDayAreRefusedNamingTheOption() {
        for (long seconds : new long[] {0, -5, 86_401, Long.MAX_VALUE / 2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TWENTY.withNetwork(Duration.ofSeconds(60), Duration.ofSeconds(seconds), null, null));
            assertEquals("peer timeout (--peer-timeout) must be 1 to 86400 seconds, got " + seconds + " s",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> TWENTY.withNetwork(Duration.ofSeconds(seconds), Duration.ofSeconds(60), null, null));
            assertTrue(e.getMessage().startsWith("connect timeout (--connect-timeout) must be 1 to 86400 seconds"),
                    e.getMessage());
        }
        TWENTY.withNetwork(Duration.ofSeconds(1), Duration.ofDays(1), null, null); // both bounds taken
    }
}
