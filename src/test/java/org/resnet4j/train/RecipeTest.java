package org.resnet4j.train;

import static org.resnet4j.data.Augmentation.FLIP;
import static org.resnet4j.data.Augmentation.NONE;
import static org.resnet4j.data.Augmentation.PAD_CROP_FLIP;
import static org.resnet4j.data.NormalizationKind.PER_CHANNEL;
import static org.resnet4j.data.NormalizationKind.PER_PIXEL_MEAN;
import static org.resnet4j.train.Schedule.COSINE;
import static org.resnet4j.train.Schedule.PAPER_STEPS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resnet4j.io.SafeTensorsException;

/** What a checkpoint's recipe allows a resume to change, and how the refusal and the warning read. */
class RecipeTest {
    private static final Path FILE = Path.of("runs", "resnet20", Checkpoint.FILE);
    private static final Recipe PAPER = new Recipe(0, 128, 0.1, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP, 64_000);

    @Test
    void everyDifferingSettingIsNamedWithTheSavedAndTheAskedValue() {
        Recipe asked = new Recipe(7, 64, 0.05, COSINE, 400, 0.02, 0.8, 5e-4, 1_000, PER_PIXEL_MEAN, PAD_CROP_FLIP, 64_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PAPER.requireContinuable(asked, FILE));

        String message = e.getMessage();
        assertTrue(message.startsWith("cannot resume from " + FILE + ": "), message);
        for (String expected : new String[] {"seed (--seed) saved 0, asked 7", "batch size (--batch) saved 128, asked 64",
                "validation size (--val-size) saved 5000, asked 1000",
                "normalization (--normalization) saved channel, asked pixel", "momentum (--momentum) saved 0.9, asked 0.8",
                "weight decay (--weight-decay) saved 0.0001, asked 0.0005", "learning rate (--lr) saved 0.1, asked 0.05",
                "schedule (--schedule) saved paper, asked cosine",
                "warm-up iterations (--warmup-iterations) saved 0, asked 400",
                "warm-up rate (--warmup-lr) saved 0.01, asked 0.02"}) {
            assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
        }
        assertTrue(!message.contains("\n"), "one line, as the command line prints it: " + message);
    }

    @Test
    void onlyTheDifferingSettingIsNamed() {
        Recipe asked = new Recipe(1, 128, 0.1, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP, 64_000);

        String message = assertThrows(IllegalArgumentException.class, () -> PAPER.requireContinuable(asked, FILE))
                .getMessage();

        assertTrue(message.contains("seed (--seed) saved 0, asked 1."), message);
        for (String other : new String[] {"batch", "momentum", "decay", "--lr", "schedule (", "warm-up", "normalization ("}) {
            assertTrue(!message.contains(other), "'" + other + "' did not change: " + message);
        }
    }

    @Test
    void anotherTotalIsAllowed() {
        assertDoesNotThrow(() -> PAPER.requireContinuable(
                new Recipe(0, 128, 0.1, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP, 80_000), FILE));
    }

    /** The warm-up rate only matters when some iterations use it. */
    @Test
    void theWarmupRateCountsOnlyWithWarmupIterations() {
        assertDoesNotThrow(() -> PAPER.requireContinuable(
                new Recipe(0, 128, 0.1, PAPER_STEPS, 0, 0.5, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP, 64_000),
                FILE));
        Recipe warm = new Recipe(0, 128, 0.1, PAPER_STEPS, 400, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP,
                64_000);
        Recipe otherRate = new Recipe(0, 128, 0.1, PAPER_STEPS, 400, 0.02, 0.9, 1e-4, 5_000, PER_CHANNEL,
                PAD_CROP_FLIP, 64_000);

        String message = assertThrows(IllegalArgumentException.class, () -> warm.requireContinuable(otherRate, FILE))
                .getMessage();

        assertTrue(message.contains("warm-up rate (--warmup-lr) saved 0.01, asked 0.02"), message);
    }

    /** A run of 10 extended to 16: the steps move from 5 and 7 to 8 and 12, so at 10 the rate goes back up. */
    @Test
    void aNewTotalSaysWhereThePaperStepsFallAndTheRateAtTheResumePoint() {
        Recipe saved = new Recipe(5, 8, 0.02, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 24, PER_CHANNEL, PAD_CROP_FLIP, 10);
        Recipe asked = new Recipe(5, 8, 0.02, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 24, PER_CHANNEL, PAD_CROP_FLIP, 16);

        assertEquals("the checkpoint's run was set for 10 iterations, this one for 16: the paper schedule now follows "
                + "the new total, dividing the learning rate by 10 at iterations 8 and 12 (the run so far had its steps "
                + "at 5 and 7); from iteration 10 the rate is 0.002 (the saved total gives 0.0002)",
                saved.totalChange(asked, 10));
    }

    @Test
    void aNewTotalSaysWhereTheCosineEnds() {
        Recipe saved = new Recipe(5, 8, 0.1, COSINE, 0, 0.01, 0.9, 1e-4, 24, PER_CHANNEL, PAD_CROP_FLIP, 100);
        Recipe asked = new Recipe(5, 8, 0.1, COSINE, 0, 0.01, 0.9, 1e-4, 24, PER_CHANNEL, PAD_CROP_FLIP, 200);

        assertEquals("the checkpoint's run was set for 100 iterations, this one for 200: the cosine schedule now "
                + "follows the new total, reaching 0 at iteration 200 (was 100); from iteration 100 the rate is 0.05 "
                + "(the saved total gives 0)", saved.totalChange(asked, 100));
    }

    @Test
    void metadataRoundTripsExactly() throws SafeTensorsException {
        Recipe odd = new Recipe(-3, 96, 0.1 + 0.2, COSINE, 17, 1.0 / 3, 0.875, 3e-5, 0, PER_PIXEL_MEAN, FLIP,
                123_456_789_012L);

        assertEquals(odd, Recipe.fromMetadata(odd.toMetadata(), FILE));
        assertEquals(12, odd.toMetadata().size());
        assertEquals("flip", odd.toMetadata().get(Recipe.PREFIX + "augmentation"));
    }

    /** A resume with another augmentation would silently continue a different run. */
    @Test
    void anotherAugmentationIsRefused() {
        Recipe asked = new Recipe(0, 128, 0.1, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, NONE, 64_000);

        String message = assertThrows(IllegalArgumentException.class, () -> PAPER.requireContinuable(asked, FILE))
                .getMessage();

        assertTrue(message.contains("augmentation (Training.augmentation) saved pad-crop-flip, asked none."), message);
    }

    /**
     * Checkpoints written before the augmentation was recorded have no entry for it: they read as unknown and resume
     * without the comparison, as do fine-tuning's (whose transform is none of the enum's).
     */
    @Test
    void anUnrecordedAugmentationIsNotCompared() throws SafeTensorsException {
        Map<String, String> older = new LinkedHashMap<>(PAPER.toMetadata());
        older.remove(Recipe.PREFIX + "augmentation");

        Recipe saved = Recipe.fromMetadata(older, FILE);

        assertNull(saved.augmentation());
        assertDoesNotThrow(() -> saved.requireContinuable(PAPER, FILE));
        Recipe fineTuning = new Recipe(0, 128, 0.1, PAPER_STEPS, 0, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, null, 64_000);
        assertEquals(11, fineTuning.toMetadata().size());
        assertDoesNotThrow(() -> PAPER.requireContinuable(fineTuning, FILE));
    }

    /** The enums are stored by their command-line names; another name is a malformed checkpoint, not a crash. */
    @Test
    void schedulesAndNormalizationsAreStoredByTheirCommandLineNames() {
        assertEquals("paper", PAPER.toMetadata().get(Recipe.PREFIX + "schedule"));
        assertEquals("channel", PAPER.toMetadata().get(Recipe.PREFIX + "normalization"));
        assertEquals("pad-crop-flip", PAPER.toMetadata().get(Recipe.PREFIX + "augmentation"));
        Map<String, String> metadata = new LinkedHashMap<>(PAPER.toMetadata());
        metadata.put(Recipe.PREFIX + "schedule", "linear");

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Recipe.fromMetadata(metadata, FILE));
        assertTrue(e.getMessage().contains(FILE + ": malformed recipe"), e.getMessage());
        assertTrue(e.getMessage().contains("schedule must be 'paper' or 'cosine', got 'linear'"), e.getMessage());
    }

    @Test
    void metadataWithoutRecipeKeysHasNoRecipe() throws SafeTensorsException {
        assertNull(Recipe.fromMetadata(Map.of("format", Checkpoint.FORMAT, "iteration", "10"), FILE));
    }

    @Test
    void aMalformedValueNamesTheFile() {
        Map<String, String> metadata = new LinkedHashMap<>(PAPER.toMetadata());
        metadata.put(Recipe.PREFIX + "batch_size", "big");

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Recipe.fromMetadata(metadata, FILE));

        assertTrue(e.getMessage().startsWith(FILE + ": malformed recipe in checkpoint metadata"), e.getMessage());
    }
}
