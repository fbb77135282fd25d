package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * The dyes of one Diff-Quik smear: Romanowsky-type stains colour nuclei violet-blue, follicular
 * cytoplasm pale blue-grey, colloid blue-violet, red blood cells salmon-pink and the serum film a
 * faint pink-beige. {@code illumination} is the microscope lamp's brightness through empty glass.
 */
record StainPalette(Stain nucleus, Stain cytoplasm, Stain colloid, Stain blood, Stain plasma, double illumination) {

    /** The reference look (site A before per-case variation). */
    static StainPalette diffQuik() {
        return new StainPalette(
                Stain.transmitting(0.45, 0.33, 0.62),
                Stain.transmitting(0.76, 0.77, 0.88),
                Stain.transmitting(0.66, 0.60, 0.86),
                Stain.transmitting(0.94, 0.72, 0.70),
                Stain.transmitting(0.96, 0.92, 0.91),
                0.97);
    }

    /** This palette as stained and photographed at a site with the given shift. */
    StainPalette shiftedBy(SiteShift shift) {
        return transformed(shift.hueDegrees(), shift.saturation(), shift.density(), shift.brightness());
    }

    /**
     * A small per-case variation (staining time, dye batch, lamp), so that a model cannot key on
     * one exact colour. {@code amount} 1 means hue within about ±4 degrees, saturation and density
     * within about ±8 %, brightness within about ±3 %.
     */
    StainPalette jittered(SplittableRandom rng, double amount) {
        double hue = Draws.uniform(rng, -4, 4) * amount;
        double saturation = 1 + Draws.uniform(rng, -0.08, 0.08) * amount;
        double density = 1 + Draws.uniform(rng, -0.08, 0.08) * amount;
        double brightness = 1 + Draws.uniform(rng, -0.03, 0.03) * amount;
        return transformed(hue, saturation, density, brightness);
    }

    private StainPalette transformed(double hue, double saturation, double density, double brightness) {
        return new StainPalette(
                nucleus.shifted(hue, saturation, density),
                cytoplasm.shifted(hue, saturation, density),
                colloid.shifted(hue, saturation, density),
                blood.shifted(hue, saturation, density),
                plasma.shifted(hue, saturation, density),
                illumination * brightness);
    }
}
