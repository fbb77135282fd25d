package org.cytotriage.synthetic;

/**
 * One follicular nucleus as drawn: an ellipse with a chromatin pattern, at most one dark chromatin
 * mark and at most one pale spot. Sizes are in pixels of the 1024x768 image.
 *
 * @param semiMajor half of the long axis
 * @param semiMinor half of the short axis
 * @param angle direction of the long axis, radians
 * @param density chromatin stain amount (dark, dense chromatin is about 1.1; pale is about 0.7)
 * @param pallor 0 = smooth dense chromatin, 1 = pale powdery chromatin with a crisp membrane
 * @param mark the dark chromatin mark: a groove along the long axis or clumps of the same stain
 * @param grooveBend how much the groove curves, as a fraction of the short axis at the tips
 * @param clumpSeed places the clumps, so a nucleus is drawn the same way every time
 * @param spot the pale spot: a sharp rimmed pseudo-inclusion or a soft clearing of the same size
 * @param spotU position of the spot along the long axis, as a fraction of it
 * @param spotV position of the spot across, as a fraction of the short axis
 * @param spotRadius radius of the spot in pixels
 */
record Nucleus(double x, double y, double semiMajor, double semiMinor, double angle, double density, double pallor,
        Mark mark, double grooveBend, int clumpSeed, Spot spot, double spotU, double spotV, double spotRadius) {

    enum Mark { NONE, GROOVE, CLUMPS }

    enum Spot { NONE, INCLUSION, CLEARING }

    boolean grooved() {
        return mark == Mark.GROOVE;
    }

    boolean hasInclusion() {
        return spot == Spot.INCLUSION;
    }

    double area() {
        return Math.PI * semiMajor * semiMinor;
    }
}
