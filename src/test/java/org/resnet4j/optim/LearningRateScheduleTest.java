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
