package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * An organic outline made of a few overlapping soft discs (metaballs): cheap to evaluate per
 * pixel, no trigonometry, and irregular like a colloid pool or a tissue fragment.
 */
final class Blob {

    private final double[] xs;
    private final double[] ys;
    private final double[] radii;

    private Blob(double[] xs, double[] ys, double[] radii) {
        this.xs = xs;
        this.ys = ys;
        this.radii = radii;
    }

    /** A blob of about {@code radius} around (cx, cy) built from {@code lobes} discs. */
    static Blob around(SplittableRandom rng, double cx, double cy, double radius, int lobes) {
        double[] xs = new double[lobes];
        double[] ys = new double[lobes];
        double[] radii = new double[lobes];
        for (int i = 0; i < lobes; i++) {
            double angle = Draws.uniform(rng, 0, 2 * Math.PI);
            double distance = i == 0 ? 0 : Draws.uniform(rng, 0.3, 0.9) * radius;
            xs[i] = cx + distance * StrictMath.cos(angle);
            ys[i] = cy + distance * StrictMath.sin(angle);
            radii[i] = radius * (i == 0 ? 1.1 : Draws.uniform(rng, 0.5, 1.0));
        }
        return new Blob(xs, ys, radii);
    }

    /**
     * Field strength at a point: above 1 inside, below 1 outside, falling smoothly across the
     * edge. Each disc contributes (1 - d^2/r^2)^2 scaled so a lone disc reaches 1 at about 0.6 r.
     */
    double field(double x, double y) {
        double sum = 0;
        for (int i = 0; i < xs.length; i++) {
            double dx = x - xs[i];
            double dy = y - ys[i];
            double t = (dx * dx + dy * dy) / (radii[i] * radii[i]);
            if (t < 1) {
                double falloff = 1 - t;
                sum += 2.4 * falloff * falloff;
            }
        }
        return sum;
    }

    boolean contains(double x, double y) {
        return field(x, y) >= 1;
    }

    int minX() {
        double min = Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            min = Math.min(min, xs[i] - radii[i]);
        }
        return (int) StrictMath.floor(min);
    }

    int maxX() {
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            max = Math.max(max, xs[i] + radii[i]);
        }
        return (int) StrictMath.ceil(max);
    }

    int minY() {
        double min = Double.MAX_VALUE;
        for (int i = 0; i < ys.length; i++) {
            min = Math.min(min, ys[i] - radii[i]);
        }
        return (int) StrictMath.floor(min);
    }

    int maxY() {
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < ys.length; i++) {
            max = Math.max(max, ys[i] + radii[i]);
        }
        return (int) StrictMath.ceil(max);
    }
}
