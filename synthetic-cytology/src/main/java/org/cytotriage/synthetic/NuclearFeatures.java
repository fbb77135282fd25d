package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * The nuclear look of one group, from two continuous strengths between 0 (benign follicular cell)
 * and 1 (papillary carcinoma).
 *
 * <p>{@code atypia} drives what survives the whole 1024x768 image shrunk to 224x224: nuclear size,
 * elongation, crowding, chromatin pallor and texture, and how many nuclei carry a dark chromatin
 * mark or a pale spot. {@code fineAtypia} only decides what those marks and spots look like at one
 * to three pixels: a groove (a line along the long axis) or clumps (dots of the same stain), a
 * sharp rimmed pseudo-inclusion or a soft clearing of the same size. Shrunk 4.6 times without
 * antialiasing, a line and dots of equal stain leave the same scattered dark pixels; in a 256x256
 * tile resized to 224 they stay a line and dots. So reactive benign groups and papillary carcinoma
 * can look alike on the whole image and differ in the tiles, the situation the multi-region model
 * is for. Every feature is a smooth function of the strengths, so overlapping levels look alike.
 */
record NuclearFeatures(double radius, double elongation, double sizeVariation, double spacing, double pallor,
        double density, double markRate, double grooveShare, double paleSpotRate, double inclusionShare) {

    static NuclearFeatures of(double atypia, double fineAtypia) {
        double radius = 5.6 + 4.0 * atypia;
        return new NuclearFeatures(
                radius,
                1.06 + 0.50 * atypia,
                0.07 + 0.10 * atypia,
                radius * (2.9 - 1.3 * atypia),
                atypia,
                1.0 - 0.45 * atypia,
                0.9 * ramp(atypia, 0.15, 0.55),
                ramp(fineAtypia, 0.15, 0.85),
                0.4 * ramp(atypia, 0.25, 0.75),
                ramp(fineAtypia, 0.40, 0.95));
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
        Nucleus.Mark mark = Nucleus.Mark.NONE;
        if (Draws.chance(rng, markRate)) {
            mark = Draws.chance(rng, grooveShare) ? Nucleus.Mark.GROOVE : Nucleus.Mark.CLUMPS;
        }
        double bend = Draws.uniform(rng, -0.25, 0.25);
        Nucleus.Spot spot = Nucleus.Spot.NONE;
        if (Draws.chance(rng, paleSpotRate)) {
            spot = Draws.chance(rng, inclusionShare) ? Nucleus.Spot.INCLUSION : Nucleus.Spot.CLEARING;
        }
        // Under 4.6 px across, the shrink factor of the whole view: a spot is one blurred pixel there.
        double spotRadius = Draws.uniform(rng, 1.5, 2.2);
        return new Nucleus(x, y, semiMajor, semiMinor, angle, chromatin, pallor, mark, bend, rng.nextInt(), spot,
                Draws.uniform(rng, -0.3, 0.3), Draws.uniform(rng, -0.2, 0.2), spotRadius);
    }

    private static double ramp(double value, double from, double to) {
        return Math.max(0, Math.min(1, (value - from) / (to - from)));
    }
}
