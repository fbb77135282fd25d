package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * Random draws built only on {@link SplittableRandom#nextDouble()} and {@link StrictMath}, so a
 * seed gives the same values on every JVM and CPU (the JDK's own nextGaussian may use intrinsics).
 */
final class Draws {

    private Draws() {
    }

    static double uniform(SplittableRandom rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }

    /** Box-Muller; one value per call keeps the stream simple to reason about. */
    static double gaussian(SplittableRandom rng, double mean, double sd) {
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return mean + sd * StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * Math.PI * v);
    }

    /** A Gaussian draw clamped to [0, 1], for feature strengths. */
    static double strength(SplittableRandom rng, double mean, double sd) {
        return Math.max(0.0, Math.min(1.0, gaussian(rng, mean, sd)));
    }

    static int between(SplittableRandom rng, int low, int highInclusive) {
        return low + rng.nextInt(highInclusive - low + 1);
    }

    static boolean chance(SplittableRandom rng, double probability) {
        return rng.nextDouble() < probability;
    }
}
