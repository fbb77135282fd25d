package org.cytotriage.synthetic;

import java.util.SplittableRandom;

/**
 * The serum film between the cells: a faint pink-beige layer whose thickness varies in streaks
 * along the direction the smear was pulled, with a fine proteinaceous grain.
 */
final class SmearBackground {

    // The film varies over tens of pixels, so it is evaluated on a coarse grid and interpolated.
    private static final int GRID = 8;

    private SmearBackground() {
    }

    /** Paints the film and returns the smear direction (radians), which blood streaks follow. */
    static double paint(StainCanvas canvas, StainPalette palette, SplittableRandom rng) {
        double direction = Draws.uniform(rng, -0.5, 0.5);
        int width = canvas.width();
        int height = canvas.height();
        ValueNoise streaks = new ValueNoise(rng, width, height, 260, 45, direction);
        ValueNoise patches = new ValueNoise(rng, width, height, 70, 55, direction);
        float base = (float) Draws.uniform(rng, 0.5, 0.9);
        float streakAmount = (float) Draws.uniform(rng, 0.6, 1.2);
        int salt = rng.nextInt();

        int columns = width / GRID + 2;
        int rows = height / GRID + 2;
        float[] coarse = new float[columns * rows];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < columns; i++) {
                coarse[j * columns + i] = base + streakAmount * streaks.sample(i * GRID, j * GRID)
                        + 0.35f * patches.sample(i * GRID, j * GRID);
            }
        }
        for (int y = 0; y < height; y++) {
            int j = y / GRID;
            float fy = (y - j * GRID) / (float) GRID;
            for (int x = 0; x < width; x++) {
                int i = x / GRID;
                float fx = (x - i * GRID) / (float) GRID;
                int k = j * columns + i;
                float top = coarse[k] + fx * (coarse[k + 1] - coarse[k]);
                float bottom = coarse[k + columns] + fx * (coarse[k + columns + 1] - coarse[k + columns]);
                float film = top + fy * (bottom - top) + 0.08f * PixelNoise.signed(x, y, salt);
                canvas.deposit(x, y, palette.plasma(), film);
            }
        }
        return direction;
    }
}
