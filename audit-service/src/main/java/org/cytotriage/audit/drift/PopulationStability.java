package org.cytotriage.audit.drift;

/**
 * Population stability index: sum over bins of (actual - expected) * ln(actual / expected), shares
 * floored at 1e-4 so an empty bin counts as rare rather than infinite. 0 is no shift; above 0.25
 * is read as a major one.
 */
final class PopulationStability {

    private static final double FLOOR = 1e-4;

    private PopulationStability() {
    }

    static double index(double[] expected, double[] actual) {
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i], FLOOR);
            double a = Math.max(actual[i], FLOOR);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }
}
