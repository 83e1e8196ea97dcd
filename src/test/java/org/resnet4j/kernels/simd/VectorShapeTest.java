package org.resnet4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.KernelProvider;

/**
 * The kernels run at the vector width the build asked for: the surefire executions at 256 and 512 bits set
 * {@code resnet4j.tests.vectorBits}, and their kernel tests would prove nothing if it were ignored.
 */
class VectorShapeTest {

    @Test
    void speciesAndRegistersFollowTheRequestedWidth() {
        String requested = System.getProperty("resnet4j.tests.vectorBits");
        int bits = requested == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(requested);
        assertEquals(bits, VectorConstants.SPECIES.vectorBitSize());
        assertEquals(bits / Float.SIZE, VectorConstants.LANES);
        assertEquals(bits, KernelProvider.simd().vectorBits());
        if (System.getProperty("resnet4j.vectorRegisters") == null) {
            boolean aarch64 = "aarch64".equals(System.getProperty("os.arch"));
            assertEquals(bits >= 512 || aarch64 ? 32 : 16, ConvTiling.REGISTERS);
        }
    }
}
