package org.cytotriage.synthetic;

/**
 * Rasterises follicular cells into the stain canvas and, for diagnostic cells, into the lesion
 * mask. The fine features (chromatin grain, grooves, pseudo-inclusions, nuclear membrane) are one
 * to three pixels wide on purpose: they survive a 256x256 tile resized to 224 but not the whole
 * 1024x768 image squeezed to 224x224, so a multi-region model has something to gain.
 */
final class CellPainter {

    // Width of the anti-aliased edge and of the groove, in pixels.
    private static final float GROOVE_HALF_WIDTH = 0.9f;
    private static final float MEMBRANE_WIDTH = 1.5f;

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
        float inclusionU = (float) (n.inclusionU() * a);
        float inclusionV = (float) (n.inclusionV() * b);
        float inclusionRadius = (float) n.inclusionRadius();
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
                if (n.grooved()) {
                    amount += density * 0.9f * grooveWeight(u / a, v - bend * (u / a) * (u / a));
                }
                if (n.hasInclusion()) {
                    float iu = u - inclusionU;
                    float iv = v - inclusionV;
                    float distance = (float) Math.sqrt(iu * iu + iv * iv);
                    float hole = clamp01(inclusionRadius - distance + 0.5f);
                    // A sharply outlined pale hole that shows cytoplasm colour through the nucleus.
                    amount = amount * (1f - 0.9f * hole) + density * 0.5f * clamp01(1f - Math.abs(distance - inclusionRadius));
                    canvas.deposit(x, y, palette.cytoplasm(), 0.6f * hole);
                }
                canvas.deposit(x, y, palette.nucleus(), amount * cover);
                if (cell.diagnostic() && cover >= 0.5f) {
                    mask.mark(x, y);
                }
            }
        }
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
