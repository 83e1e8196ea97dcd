package org.resnet4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void paperScheduleDividesByTenAtThirtyTwoAndFortyEightThousand() {
        LearningRateSchedule paper = LearningRateSchedule.paper(0.1, 64_000);
        assertEquals(0.1, paper.rate(0), 1e-15);
        assertEquals(0.1, paper.rate(31_999), 1e-15);
        assertEquals(0.01, paper.rate(32_000), 1e-15);
        assertEquals(0.01, paper.rate(47_999), 1e-15);
        assertEquals(0.001, paper.rate(48_000), 1e-15);
        assertEquals(0.001, paper.rate(63_999), 1e-15);
    }

    /**
     * 3 * total wrapped around past 2^63 / 3: for 2^63 - 1 the second milestone came at 2^61 - 1, before the first
     * (and for other totals at 1); the rounding of every smaller total stays as it was.
     */
    @Test
    void hugePaperSchedulesKeepTheirMilestones() {
        LearningRateSchedule paper = LearningRateSchedule.paper(0.1, Long.MAX_VALUE);
        assertEquals(0.1, paper.rate(1), 1e-15);
        assertEquals(0.01, paper.rate(Long.MAX_VALUE / 2), 1e-15);
        assertEquals(0.01, paper.rate(6917529027641081855L - 1), 1e-15);
        assertEquals(0.001, paper.rate(6917529027641081855L), 1e-15, "floor(3 * (2^63 - 1) / 4)");
        for (long total = 0; total < 1000; total++) {
            LearningRateSchedule small = LearningRateSchedule.paper(0.1, total);
            long third = Math.max(1, total * 3 / 4);
            assertEquals(0.001, small.rate(third), 1e-15, "total " + total);
            if (third > Math.max(1, total / 2)) {
                assertEquals(0.01, small.rate(third - 1), 1e-15, "total " + total);
            }
        }
    }

    /**
     * Milestones at 1/2 and 3/4 of any length, rounded down as checkpoints written so far were trained with (a resume
     * must see the same rates), but never at 0: a 1-iteration run trained at 0.001 with both there.
     */
    @Test
    void shortPaperSchedulesStartAtTheBase() {
        assertEquals(0.1, LearningRateSchedule.paper(0.1, 1).rate(0), 1e-15);
        LearningRateSchedule three = LearningRateSchedule.paper(0.1, 3);
        assertEquals(0.1, three.rate(0), 1e-15);
        assertEquals(0.01, three.rate(1), 1e-15);
        assertEquals(0.001, three.rate(2), 1e-15);
        LearningRateSchedule ten = LearningRateSchedule.paper(0.1, 10);
        assertEquals(0.1, ten.rate(4), 1e-15);
        assertEquals(0.01, ten.rate(5), 1e-15);
        assertEquals(0.001, ten.rate(7), 1e-15, "floor(7.5)");
        LearningRateSchedule odd = LearningRateSchedule.paper(0.1, 702);
        assertEquals(0.1, odd.rate(350), 1e-15);
        assertEquals(0.01, odd.rate(351), 1e-15);
        assertEquals(0.001, odd.rate(526), 1e-15, "floor(526.5): as runs before this test trained");
    }

    @Test
    void constantWarmupIsThePapersResNet110Start() {
        LearningRateSchedule s = LearningRateSchedule.paper(0.1, 64_000).withConstantWarmup(400, 0.01);
        assertEquals(0.01, s.rate(0), 1e-15);
        assertEquals(0.01, s.rate(399), 1e-15);
        assertEquals(0.1, s.rate(400), 1e-15);
    }

    @Test
    void linearWarmupRampsToTheBase() {
        LearningRateSchedule s = LearningRateSchedule.multiStep(0.4, 0.1).withLinearWarmup(4);
        assertEquals(0.1, s.rate(0), 1e-15);
        assertEquals(0.3, s.rate(2), 1e-15);
        assertEquals(0.4, s.rate(3), 1e-15);
        assertEquals(0.4, s.rate(100), 1e-15);
    }

    @Test
    void cosineGoesFromBaseToZero() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.1, 1000);
        assertEquals(0.1, s.rate(0), 1e-15);
        assertEquals(0.05, s.rate(500), 1e-12);
        assertEquals(0.0, s.rate(1000), 0);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1, 0));
    }
}
