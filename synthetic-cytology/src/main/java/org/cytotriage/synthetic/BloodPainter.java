package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * Red blood cells: small pale-pink discs, paler in the centre (biconcave), mostly lying in streaks
 * along the smear direction. A bloody, cell-poor smear is the typical nondiagnostic (Bethesda I)
 * picture.
 */
final class BloodPainter {

    private BloodPainter() {
    }

    /** @param amount 0 (almost no blood) to 1 (a bloody smear, about 2,000 red cells in the field) */
    static void paint(StainCanvas canvas, StainPalette palette, SplittableRandom rng, double amount,
            double smearDirection) {
        int count = 60 + (int) (amount * 1900);
        int streakCount = Draws.between(rng, 2, 5);
        double[] streakOffsets = new double[streakCount];
        double[] streakSpreads = new double[streakCount];
        for (int s = 0; s < streakCount; s++) {
            streakOffsets[s] = Draws.uniform(rng, -0.5, 0.5) * canvas.height();
            streakSpreads[s] = Draws.uniform(rng, 15, 70);
        }
        double cos = StrictMath.cos(smearDirection);
        double sin = StrictMath.sin(smearDirection);
        double cx = canvas.width() / 2.0;
        double cy = canvas.height() / 2.0;
        double halfDiagonal = StrictMath.hypot(cx, cy);
        for (int i = 0; i < count; i++) {
            double x;
            double y;
            if (Draws.chance(rng, 0.7)) {
                int s = rng.nextInt(streakCount);
                double along = Draws.uniform(rng, -halfDiagonal, halfDiagonal);
                double across = streakOffsets[s] + Draws.gaussian(rng, 0, streakSpreads[s]);
                x = cx + along * cos - across * sin;
                y = cy + along * sin + across * cos;
            } else {
                x = Draws.uniform(rng, 0, canvas.width());
                y = Draws.uniform(rng, 0, canvas.height());
            }
            paintCell(canvas, palette, (float) x, (float) y, (float) Draws.uniform(rng, 3.6, 4.7));
        }
    }

    private static void paintCell(StainCanvas canvas, StainPalette palette, float cx, float cy, float radius) {
        int x0 = Math.max(0, (int) (cx - radius - 1));
        int x1 = Math.min(canvas.width() - 1, (int) (cx + radius + 1));
        int y0 = Math.max(0, (int) (cy - radius - 1));
        int y1 = Math.min(canvas.height() - 1, (int) (cy + radius + 1));
        float inverseRadiusSquared = 1f / (radius * radius);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                float dx = x - cx;
                float dy = y - cy;
                float squared = dx * dx + dy * dy;
                float cover = Math.max(0f, Math.min(1f, radius - (float) Math.sqrt(squared) + 0.5f));
                if (cover > 0) {
                    // Central pallor: thinner in the middle of the disc.
                    float thickness = 0.35f + 0.4f * squared * inverseRadiusSquared;
                    canvas.deposit(x, y, palette.blood(), thickness * cover);
                }
            }
        }
    }
}
