package org.cytotriage.synthetic;

/**
 * How one laboratory's stain and camera differ from the reference: hue rotation and saturation of
 * the stains, overall stain density (staining time), illumination gain (exposure), and optical
 * softness as a number of 3x3 box-blur passes (two passes approximate a Gaussian of sigma ~1.15 px).
 *
 * @param hueDegrees rotation of every stain's hue, degrees
 * @param saturation multiplier of every stain's saturation (1 = unchanged)
 * @param density multiplier of every stain's optical density (1 = unchanged)
 * @param brightness multiplier of the illumination (1 = unchanged)
 * @param blurPasses number of 3x3 box-blur passes over the final image (0 = sharp)
 */
public record SiteShift(double hueDegrees, double saturation, double density, double brightness, int blurPasses) {

    /** The reference site: nothing changes. */
    public static final SiteShift NONE = new SiteShift(0, 1, 1, 1, 0);

    public SiteShift {
        if (saturation < 0 || density <= 0 || brightness <= 0 || blurPasses < 0) {
            throw new IllegalArgumentException("invalid site shift: " + hueDegrees + ", " + saturation + ", "
                    + density + ", " + brightness + ", " + blurPasses);
        }
    }
}
