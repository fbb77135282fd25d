package org.cytotriage.synthetic;

/**
 * One follicular nucleus as drawn: an ellipse with a chromatin pattern and the two small-scale
 * features of papillary carcinoma. Sizes are in pixels of the 1024x768 image.
 *
 * @param semiMajor half of the long axis
 * @param semiMinor half of the short axis
 * @param angle direction of the long axis, radians
 * @param density chromatin stain amount (dark, dense chromatin is about 1.1; pale is about 0.7)
 * @param pallor 0 = smooth dense chromatin, 1 = pale powdery chromatin with a crisp membrane
 * @param grooved whether a groove (a 1-px dark line along the long axis) crosses the nucleus
 * @param grooveBend how much the groove curves, as a fraction of the short axis at the tips
 * @param inclusionU position of a pseudo-inclusion along the long axis, as a fraction of it
 * @param inclusionV position of a pseudo-inclusion across, as a fraction of the short axis
 * @param inclusionRadius radius of the pseudo-inclusion in pixels; 0 when there is none
 */
record Nucleus(double x, double y, double semiMajor, double semiMinor, double angle, double density, double pallor,
        boolean grooved, double grooveBend, double inclusionU, double inclusionV, double inclusionRadius) {

    boolean hasInclusion() {
        return inclusionRadius > 0;
    }

    double area() {
        return Math.PI * semiMajor * semiMinor;
    }
}
