package org.cytotriage.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the nuclei of one cell group sit. Only geometry: the spacing comes from the nuclear
 * features (crowded atypical nuclei overlap, benign ones keep their distance) and
 * {@link NuclearFeatures#draw} decides what each nucleus looks like.
 */
final class ClusterLayout {

    /** A nucleus position and its preferred long-axis direction (NaN: any direction). */
    record Slot(double x, double y, double axis) {
    }

    private ClusterLayout() {
    }

    /**
     * A flat sheet: nuclei on a jittered hexagonal lattice inside an irregular outline. With benign
     * spacing this is the honeycomb monolayer; with small spacing and more jitter, a crowded sheet.
     */
    static List<Slot> sheet(SplittableRandom rng, double cx, double cy, double radius, double spacing, double jitter) {
        Blob outline = Blob.around(rng, cx, cy, radius, Draws.between(rng, 4, 7));
        double rotation = Draws.uniform(rng, 0, Math.PI);
        double cos = StrictMath.cos(rotation);
        double sin = StrictMath.sin(rotation);
        double rowHeight = spacing * Math.sqrt(3) / 2;
        int half = (int) (1.6 * radius / rowHeight) + 1;
        List<Slot> slots = new ArrayList<>();
        for (int row = -half; row <= half; row++) {
            for (int column = -half; column <= half; column++) {
                double u = (column + (row & 1) * 0.5) * spacing + Draws.gaussian(rng, 0, jitter * spacing);
                double v = row * rowHeight + Draws.gaussian(rng, 0, jitter * spacing);
                double x = cx + u * cos - v * sin;
                double y = cy + u * sin + v * cos;
                if (outline.contains(x, y)) {
                    slots.add(new Slot(x, y, Double.NaN));
                }
            }
        }
        return slots;
    }

    /**
     * A follicle: nuclei round a lumen, long axes along the wall. One ring of six to twelve crowded
     * nuclei makes a microfollicle (Bethesda IV); a wider wall of two rows makes a benign
     * macrofollicle.
     *
     * @param nuclei nuclei in the innermost ring, which sets the lumen size
     * @param rows rings of nuclei, from the lumen outwards
     */
    static List<Slot> follicle(SplittableRandom rng, double cx, double cy, int nuclei, double spacing, int rows) {
        double innerRadius = nuclei * spacing / (2 * Math.PI);
        List<Slot> slots = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            double ringRadius = innerRadius + row * spacing * 0.87;
            int count = (int) StrictMath.round(2 * Math.PI * ringRadius / spacing);
            double start = Draws.uniform(rng, 0, 2 * Math.PI);
            for (int k = 0; k < count; k++) {
                double angle = start + 2 * Math.PI * k / count + Draws.gaussian(rng, 0, 0.04);
                double distance = ringRadius + Draws.gaussian(rng, 0, 0.08 * spacing);
                slots.add(new Slot(cx + distance * StrictMath.cos(angle), cy + distance * StrictMath.sin(angle),
                        angle + Math.PI / 2));
            }
        }
        return slots;
    }

    /** Radius of the lumen of a follicle laid out by {@link #follicle}, inside its nuclei. */
    static double lumenRadius(int nuclei, double spacing, double nuclearRadius) {
        return Math.max(1.5, nuclei * spacing / (2 * Math.PI) - 1.2 * nuclearRadius);
    }

    /**
     * A papilla: a finger of crowded cells a few nuclei wide, with a rounded tip, that may branch.
     * Nuclei lean along the finger.
     *
     * @param depth how many more times the finger may branch
     */
    static List<Slot> papilla(SplittableRandom rng, double x, double y, double heading, double length, double width,
            double spacing, int depth) {
        List<Slot> slots = new ArrayList<>();
        grow(rng, slots, x, y, heading, length, width, spacing, depth);
        return slots;
    }

    private static void grow(SplittableRandom rng, List<Slot> slots, double x, double y, double heading,
            double length, double width, double spacing, int depth) {
        double step = spacing * 0.9;
        int steps = Math.max(2, (int) (length / step));
        int branchAt = depth > 0 ? Draws.between(rng, steps / 3, (3 * steps) / 4) : -1;
        for (int s = 0; s < steps; s++) {
            heading += Draws.gaussian(rng, 0, 0.1);
            x += step * StrictMath.cos(heading);
            y += step * StrictMath.sin(heading);
            // Bulging and narrowing along the finger, with a rounded tip over the last few steps.
            double remaining = (steps - s) * step;
            double localWidth = width * Draws.uniform(rng, 0.75, 1.25);
            if (remaining < localWidth / 2) {
                localWidth = 2 * Math.sqrt(Math.max(0, remaining * (localWidth - remaining)));
            }
            int across = Math.max(1, (int) StrictMath.round(localWidth / spacing));
            double shift = Draws.uniform(rng, -0.5, 0.5) * spacing;
            for (int k = 0; k < across; k++) {
                double offset = (k - (across - 1) / 2.0) * spacing + shift + Draws.gaussian(rng, 0, 0.3 * spacing);
                double along = Draws.gaussian(rng, 0, 0.25 * step);
                double cos = StrictMath.cos(heading);
                double sin = StrictMath.sin(heading);
                slots.add(new Slot(x + along * cos - offset * sin, y + along * sin + offset * cos, heading));
            }
            if (s == branchAt) {
                double turn = Draws.uniform(rng, 0.4, 0.9) * (Draws.chance(rng, 0.5) ? 1 : -1);
                grow(rng, slots, x, y, heading + turn, length * Draws.uniform(rng, 0.45, 0.75),
                        width * Draws.uniform(rng, 0.75, 0.95), spacing, depth - 1);
            }
        }
    }
}
