package org.cytotriage.model.gradcam;

/**
 * Grad-CAM of a multi-region model (Premium) over the whole image at tile resolution. Each tile's
 * map (h x w) is placed where the tile lies, which gives a (tile rows x h) by (tile columns x w)
 * grid (42x56 for 3x4 tiles of 14x14, one cell per 18 px of a 1024x768 canvas) instead of the
 * whole-image view's 14x14 (one cell per 73 px). The whole-image map, interpolated to the same
 * grid, is added with equal weight, each part scaled to its own peak first: the tiles see the fine
 * evidence (grooves, inclusions), the whole view the coarse picture, and the model's head uses both.
 *
 * <p>The tiles must cover the canvas, as Premium's 3x4 tiles of 256 px cover 1024x768.
 */
public final class RegionalHeatmap {

    private RegionalHeatmap() {
    }

    /**
     * @param global the whole-image view's class activation map (before ReLU), mapRows x mapCols
     * @param tiles each tile's class activation map, row by row, tileRows x tileColumns of them
     */
    public static Heatmap combine(float[] global, float[][] tiles, int mapRows, int mapCols, int tileRows, int tileColumns) {
        if (tiles.length != tileRows * tileColumns) {
            throw new IllegalArgumentException("a " + tileRows + "x" + tileColumns + " grid needs " + tileRows * tileColumns
                    + " tile maps, got " + tiles.length);
        }
        int rows = tileRows * mapRows;
        int cols = tileColumns * mapCols;
        float[] mosaic = new float[rows * cols];
        for (int tile = 0; tile < tiles.length; tile++) {
            float[] positive = GradCam.positivePart(mapRows, mapCols, tiles[tile]);
            int top = tile / tileColumns * mapRows;
            int left = tile % tileColumns * mapCols;
            for (int r = 0; r < mapRows; r++) {
                System.arraycopy(positive, r * mapCols, mosaic, (top + r) * cols + left, mapCols);
            }
        }
        float[] coarse = interpolate(GradCam.fromActivationMap(mapRows, mapCols, global).values(), mapRows, mapCols,
                rows, cols);
        GradCam.scaleToOne(mosaic);
        float[] combined = new float[rows * cols];
        for (int i = 0; i < combined.length; i++) {
            combined[i] = (mosaic[i] + coarse[i]) / 2;
        }
        GradCam.scaleToOne(combined);
        return new Heatmap(rows, cols, combined);
    }

    /** Bilinear, between cell centres, edges held: a grid seen at a finer resolution. */
    static float[] interpolate(float[] values, int rows, int cols, int toRows, int toCols) {
        float[] out = new float[toRows * toCols];
        for (int r = 0; r < toRows; r++) {
            float y = Math.max(0, Math.min(rows - 1, (r + 0.5f) * rows / toRows - 0.5f));
            int y0 = (int) y;
            int y1 = Math.min(rows - 1, y0 + 1);
            float fy = y - y0;
            for (int c = 0; c < toCols; c++) {
                float x = Math.max(0, Math.min(cols - 1, (c + 0.5f) * cols / toCols - 0.5f));
                int x0 = (int) x;
                int x1 = Math.min(cols - 1, x0 + 1);
                float fx = x - x0;
                float top = values[y0 * cols + x0] * (1 - fx) + values[y0 * cols + x1] * fx;
                float bottom = values[y1 * cols + x0] * (1 - fx) + values[y1 * cols + x1] * fx;
                out[r * toCols + c] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }
}
