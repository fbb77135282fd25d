package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * Smooth random field (value noise on a coarse lattice, smoothstep-interpolated), stretched along
 * one direction: smears are pulled across the slide, so thickness varies in streaks.
 */
final class ValueNoise {

    private final float[] lattice;
    private final int columns;
    private final int rows;
    private final float cos;
    private final float sin;
    private final float inverseAlong;
    private final float inverseAcross;
    private final float offset;

    /**
     * @param along lattice spacing in pixels along the streak direction
     * @param across lattice spacing in pixels across it
     * @param angle streak direction, radians
     */
    ValueNoise(SplittableRandom rng, int width, int height, double along, double across, double angle) {
        this.cos = (float) StrictMath.cos(angle);
        this.sin = (float) StrictMath.sin(angle);
        this.inverseAlong = (float) (1 / along);
        this.inverseAcross = (float) (1 / across);
        // The rotated frame spans at most the diagonal in each direction.
        float diagonal = (float) StrictMath.sqrt((double) width * width + (double) height * height);
        this.offset = diagonal;
        this.columns = (int) (2 * diagonal * inverseAlong) + 3;
        this.rows = (int) (2 * diagonal * inverseAcross) + 3;
        this.lattice = new float[columns * rows];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = (float) rng.nextDouble();
        }
    }

    /** A value in [0, 1). */
    float sample(int x, int y) {
        float u = (x * cos + y * sin + offset) * inverseAlong;
        float v = (-x * sin + y * cos + offset) * inverseAcross;
        int i = (int) u;
        int j = (int) v;
        float fu = smooth(u - i);
        float fv = smooth(v - j);
        int k = j * columns + i;
        float top = lattice[k] + fu * (lattice[k + 1] - lattice[k]);
        float bottom = lattice[k + columns] + fu * (lattice[k + columns + 1] - lattice[k + columns]);
        return top + fv * (bottom - top);
    }

    private static float smooth(float t) {
        return t * t * (3 - 2 * t);
    }
}
