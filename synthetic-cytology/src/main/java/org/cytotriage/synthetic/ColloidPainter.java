package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * Colloid: the follicles' secretion, blue-violet in Diff-Quik. Abundant colloid favours a benign
 * reading, so its amount follows the category. Thick pools crack on drying (thin pale lines);
 * thin watery colloid is a faint film; follicles hold a droplet in their lumen.
 */
final class ColloidPainter {

    private ColloidPainter() {
    }

    /** @param amount 0 (none) to 1 (several large pools and a watery film) */
    static void paintPools(StainCanvas canvas, StainPalette palette, SplittableRandom rng, double amount) {
        // Dried colloid is unevenly thick: a smooth texture modulates every pool.
        ValueNoise texture = new ValueNoise(rng, canvas.width(), canvas.height(), 40, 28, Draws.uniform(rng, 0, Math.PI));
        if (amount > 0.3) {
            Blob film = Blob.around(rng, Draws.uniform(rng, 0, canvas.width()), Draws.uniform(rng, 0, canvas.height()),
                    Draws.uniform(rng, 250, 420), 5);
            paintBlob(canvas, palette.colloid(), film, (float) (0.2 * amount), texture);
        }
        int pools = (int) StrictMath.round(amount * Draws.uniform(rng, 2, 5));
        for (int i = 0; i < pools; i++) {
            Blob pool = Blob.around(rng, Draws.uniform(rng, 0, canvas.width()), Draws.uniform(rng, 0, canvas.height()),
                    Draws.uniform(rng, 50, 150), Draws.between(rng, 4, 8));
            float thickness = (float) Draws.uniform(rng, 0.5, 1.0);
            paintBlob(canvas, palette.colloid(), pool, thickness, texture);
            int cracks = Draws.between(rng, 0, 4);
            for (int c = 0; c < cracks; c++) {
                paintCrack(canvas, palette.colloid(), pool, rng, thickness);
            }
        }
    }

    /** The dense droplet in a follicle's lumen. */
    static void paintDroplet(StainCanvas canvas, StainPalette palette, double cx, double cy, double radius,
            float thickness) {
        int x0 = Math.max(0, (int) (cx - radius - 1));
        int x1 = Math.min(canvas.width() - 1, (int) (cx + radius + 1));
        int y0 = Math.max(0, (int) (cy - radius - 1));
        int y1 = Math.min(canvas.height() - 1, (int) (cy + radius + 1));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double distance = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                float cover = (float) Math.max(0, Math.min(1, radius - distance + 0.5));
                if (cover > 0) {
                    canvas.deposit(x, y, palette.colloid(), thickness * cover);
                }
            }
        }
    }

    private static void paintBlob(StainCanvas canvas, Stain colloid, Blob blob, float thickness, ValueNoise texture) {
        int x0 = Math.max(0, blob.minX());
        int x1 = Math.min(canvas.width() - 1, blob.maxX());
        int y0 = Math.max(0, blob.minY());
        int y1 = Math.min(canvas.height() - 1, blob.maxY());
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double field = blob.field(x, y);
                if (field > 0.7) {
                    // Edges thin out over a few pixels instead of ending in a hard line.
                    float body = (float) Math.min(1.0, (field - 0.7) / 0.6);
                    canvas.deposit(x, y, colloid, thickness * body * (0.6f + 0.8f * texture.sample(x, y)));
                }
            }
        }
    }

    /** A drying crack: a wandering 1-2 px line where the colloid has pulled apart. */
    private static void paintCrack(StainCanvas canvas, Stain colloid, Blob pool, SplittableRandom rng,
            float thickness) {
        double x = Draws.uniform(rng, pool.minX(), pool.maxX());
        double y = Draws.uniform(rng, pool.minY(), pool.maxY());
        double heading = Draws.uniform(rng, 0, 2 * Math.PI);
        int steps = Draws.between(rng, 30, 120);
        for (int s = 0; s < steps; s++) {
            heading += Draws.gaussian(rng, 0, 0.15);
            x += StrictMath.cos(heading);
            y += StrictMath.sin(heading);
            int px = (int) x;
            int py = (int) y;
            if (px >= 0 && py >= 0 && px < canvas.width() && py < canvas.height() && pool.field(px, py) > 1.2) {
                canvas.deposit(px, py, colloid, -0.8f * thickness);
            }
        }
    }
}
