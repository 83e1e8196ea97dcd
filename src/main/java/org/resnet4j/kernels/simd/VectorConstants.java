package org.resnet4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one holder of Vector API constants. The species must be a {@code static final} constant: C2 vectorizes only
 * then (a non-final species measured 30x slower on this project's machine).
 */
final class VectorConstants {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Ints with as many lanes as {@link #SPECIES}, for index vectors (max-pool argmax) that follow float masks. */
    static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);

    private VectorConstants() {
    }
}
