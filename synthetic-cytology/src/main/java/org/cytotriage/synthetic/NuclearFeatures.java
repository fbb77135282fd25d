package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * The nuclear look implied by one atypia level, a continuous strength from 0 (benign follicular
 * cell: small, round, evenly spaced, dense smooth chromatin) to 1 (papillary carcinoma: enlarged,
 * oval, crowded and overlapping, pale powdery chromatin, grooves and pseudo-inclusions). Every
 * feature is a smooth function of the level, so categories whose levels overlap look alike.
 */
record NuclearFeatures(double radius, double elongation, double sizeVariation, double spacing, double pallor,
        double grooveRate, double inclusionRate, double density) {

    static NuclearFeatures of(double atypia) {
        double radius = 5.6 + 4.0 * atypia;
        return new NuclearFeatures(
                radius,
                1.06 + 0.50 * atypia,
                0.07 + 0.10 * atypia,
                radius * (2.9 - 1.3 * atypia),
                atypia,
                0.75 * ramp(atypia, 0.35, 1.0),
                0.30 * ramp(atypia, 0.50, 1.0),
                1.0 - 0.45 * atypia);
    }

    /**
     * One nucleus at (x, y) with per-cell variation.
     *
     * @param axis preferred long-axis direction in radians (e.g. along a papilla or a follicle
     *        wall), or NaN for a random direction
     */
    Nucleus draw(SplittableRandom rng, double x, double y, double axis) {
        double size = radius * Math.max(0.6, 1 + Draws.gaussian(rng, 0, sizeVariation));
        double stretch = Math.max(1.0, elongation * (1 + Draws.gaussian(rng, 0, 0.08)));
        double sqrtStretch = StrictMath.sqrt(stretch);
        double semiMajor = size * sqrtStretch;
        double semiMinor = size / sqrtStretch;
        double angle = Double.isNaN(axis) ? Draws.uniform(rng, 0, Math.PI) : axis + Draws.gaussian(rng, 0, 0.35);
        double chromatin = density * (1 + Draws.gaussian(rng, 0, 0.07));
        boolean grooved = Draws.chance(rng, grooveRate);
        double bend = Draws.uniform(rng, -0.25, 0.25);
        boolean inclusion = Draws.chance(rng, inclusionRate);
        double inclusionRadius = inclusion ? Math.max(1.6, semiMinor * Draws.uniform(rng, 0.22, 0.32)) : 0;
        return new Nucleus(x, y, semiMajor, semiMinor, angle, chromatin, pallor, grooved, bend,
                Draws.uniform(rng, -0.3, 0.3), Draws.uniform(rng, -0.2, 0.2), inclusionRadius);
    }

    private static double ramp(double value, double from, double to) {
        return Math.max(0, Math.min(1, (value - from) / (to - from)));
    }
}
