package org.resnet4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one holder of Vector API constants. The species must be a {@code static final} constant: C2 vectorizes only
 * then (a non-final species measured 30x slower on this project's machine).
 *
 * <p>It is the machine's preferred species, unless the test-only property {@code resnet4j.tests.vectorBits} (128,
 * 256 or 512) names another: the test suite runs the kernels at 4, 8 and 16 lanes on any machine that way (a shape the CPU
 * lacks runs on the Vector API's slow Java fallback, but gives the same results). The field stays a constant either
 * way.
 */
final class VectorConstants {
    static final VectorSpecies<Float> SPECIES = species(System.getProperty("resnet4j.tests.vectorBits"));
    static final int LANES = SPECIES.length();
    /** Ints with as many lanes as {@link #SPECIES}, for index vectors (max-pool argmax) that follow float masks. */
    static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);

    private VectorConstants() {
    }

    private static VectorSpecies<Float> species(String bits) {
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        int size = Integer.parseInt(bits.trim());
        if (size != 128 && size != 256 && size != 512) {
            throw new IllegalArgumentException("resnet4j.tests.vectorBits must be 128, 256 or 512, got " + bits);
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(size));
    }
}
