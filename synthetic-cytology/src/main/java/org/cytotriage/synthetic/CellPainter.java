package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * Rasterises follicular cells into the stain canvas and, for diagnostic cells, into the lesion
 * mask. The fine features are one to three pixels wide on purpose, and each comes with a decoy of
 * the same stain amount and size: a groove or clumps, a rimmed pseudo-inclusion or a soft
 * clearing. A 256x256 tile resized to 224 keeps their shapes apart; the whole 1024x768 image
 * squeezed to 224x224 keeps only their stain, so a multi-region model has something to gain.
 */
final class CellPainter {

    // Width of the anti-aliased edge and of the groove, in pixels.
    private static final float GROOVE_HALF_WIDTH = 0.9f;
    private static final float MEMBRANE_WIDTH = 1.5f;
    private static final float CLUMP_RADIUS = 1.6f;
    // A groove of half-width 0.9 along 1.6 semi-major axes holds about 1.44 a of stain; a clump
    // with a linear fall-off holds pi r^2 / 3. Where clumps overlap less than the groove's pixels
    // saturate, they darken more per unit of stain, hence 1.25 rather than 1.44 (FineDetailTest).
    private static final float CLUMPS_PER_SEMI_MAJOR = 1.25f / (float) (Math.PI * CLUMP_RADIUS * CLUMP_RADIUS / 3);
    // A pseudo-inclusion's dark rim gives back most of what its hole takes; a shallow soft clearing
    // of the same radius brightens the nucleus about as little (FineDetailTest).
    private static final float CLEARING_DEPTH = 0.45f;

    private final StainCanvas canvas;
    private final LesionMask mask;
    private final StainPalette palette;
    private final int grainSalt;

    CellPainter(StainCanvas canvas, LesionMask mask, StainPalette palette, int grainSalt) {
        this.canvas = canvas;
        this.mask = mask;
        this.palette = palette;
        this.grainSalt = grainSalt;
    }

    /** Pale cytoplasm disc with a soft edge; overlapping discs of neighbours form darker borders. */
    void paintCytoplasm(Cell cell) {
        Nucleus n = cell.nucleus();
        float radius = (float) cell.cytoplasmRadius();
        float cx = (float) n.x();
        float cy = (float) n.y();
        int x0 = Math.max(0, (int) (cx - radius - 1));
        int x1 = Math.min(canvas.width() - 1, (int) (cx + radius + 1));
        int y0 = Math.max(0, (int) (cy - radius - 1));
        int y1 = Math.min(canvas.height() - 1, (int) (cy + radius + 1));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                float dx = x - cx;
                float dy = y - cy;
                float cover = clamp01(radius - (float) Math.sqrt(dx * dx + dy * dy) + 0.5f);
                if (cover > 0) {
                    float granules = 1f + 0.25f * PixelNoise.signed(x, y, grainSalt + 1);
                    canvas.deposit(x, y, palette.cytoplasm(), 0.65f * cover * granules);
                    if (cell.diagnostic() && cover >= 0.5f) {
                        mask.mark(x, y);
                    }
                }
            }
        }
    }

    void paintNucleus(Cell cell) {
        Nucleus n = cell.nucleus();
        float a = (float) n.semiMajor();
        float b = (float) n.semiMinor();
        float cos = (float) StrictMath.cos(n.angle());
        float sin = (float) StrictMath.sin(n.angle());
        float cx = (float) n.x();
        float cy = (float) n.y();
        float pallor = (float) n.pallor();
        float density = (float) n.density();
        // Pale chromatin keeps its stain at the membrane: interior fades, the rim stays crisp.
        float interior = density * (1f - 0.4f * pallor);
        float membrane = density * 0.35f * pallor;
        float grain = 0.05f + 0.35f * pallor;
        float bend = (float) (n.grooveBend() * b);
        float spotU = (float) (n.spotU() * a);
        float spotV = (float) (n.spotV() * b);
        float spotRadius = (float) n.spotRadius();
        float[] clumps = n.mark() == Nucleus.Mark.CLUMPS ? clumpCentres(n, a, b) : new float[0];
        float reach = a + 2f;
        int x0 = Math.max(0, (int) (cx - reach));
        int x1 = Math.min(canvas.width() - 1, (int) (cx + reach));
        int y0 = Math.max(0, (int) (cy - reach));
        int y1 = Math.min(canvas.height() - 1, (int) (cy + reach));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                float dx = x - cx;
                float dy = y - cy;
                float u = dx * cos + dy * sin;
                float v = -dx * sin + dy * cos;
                float r = (float) Math.sqrt(u * u / (a * a) + v * v / (b * b));
                // Distance inside the edge in pixels, measured along the short axis.
                float inside = (1f - r) * b;
                float cover = clamp01(inside + 0.5f);
                if (cover <= 0) {
                    continue;
                }
                float amount = interior * (1f + grain * PixelNoise.signed(x, y, grainSalt));
                if (inside < MEMBRANE_WIDTH) {
                    amount += membrane * (1f - Math.max(inside, 0f) / MEMBRANE_WIDTH);
                }
                if (n.mark() == Nucleus.Mark.GROOVE) {
                    amount += density * 0.9f * grooveWeight(u / a, v - bend * (u / a) * (u / a));
                }
                for (int k = 0; k < clumps.length; k += 2) {
                    float cu = u - clumps[k];
                    float cv = v - clumps[k + 1];
                    amount += density * 0.9f * clamp01(1f - (float) Math.sqrt(cu * cu + cv * cv) / CLUMP_RADIUS);
                }
                if (n.spot() != Nucleus.Spot.NONE) {
                    float su = u - spotU;
                    float sv = v - spotV;
                    float distance = (float) Math.sqrt(su * su + sv * sv);
                    float hole;
                    if (n.spot() == Nucleus.Spot.INCLUSION) {
                        // A sharply outlined pale hole with a dark rim, cytoplasm colour showing through.
                        hole = clamp01(spotRadius - distance + 0.5f);
                        amount = amount * (1f - 0.9f * hole)
                                + density * 0.5f * clamp01(1f - Math.abs(distance - spotRadius));
                    } else {
                        hole = CLEARING_DEPTH * clamp01(1f - distance / spotRadius);
                        amount = amount * (1f - hole);
                    }
                    canvas.deposit(x, y, palette.cytoplasm(), 0.6f * hole);
                }
                canvas.deposit(x, y, palette.nucleus(), amount * cover);
                if (cell.diagnostic() && cover >= 0.5f) {
                    mask.mark(x, y);
                }
            }
        }
    }

    /** Clump centres as (u, v) pairs in the nucleus frame, inside the inner part of the ellipse. */
    private static float[] clumpCentres(Nucleus n, float a, float b) {
        SplittableRandom rng = new SplittableRandom(n.clumpSeed());
        int count = Math.max(3, Math.round(CLUMPS_PER_SEMI_MAJOR * a));
        float[] centres = new float[2 * count];
        for (int k = 0; k < count; k++) {
            centres[2 * k] = (float) Draws.uniform(rng, -0.65, 0.65) * a;
            centres[2 * k + 1] = (float) Draws.uniform(rng, -0.55, 0.55) * b;
        }
        return centres;
    }

    /** 1 on the groove line, fading within a pixel; it stops short of the nuclear poles. */
    private static float grooveWeight(float along, float across) {
        float reach = 0.8f - Math.abs(along);
        if (reach <= 0) {
            return 0;
        }
        return clamp01(1f - Math.abs(across) / GROOVE_HALF_WIDTH) * Math.min(1f, reach * 6f);
    }

    private static float clamp01(float value) {
        return Math.max(0f, Math.min(1f, value));
    }
}
