package org.cytotriage.benchmarks;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * What the tile encoder (Basic, which Premium runs on each of its tiles) makes of a tile, by what the
 * tile holds: lesion cells, other cells, or hardly any. Explains where a group's Grad-CAM heat goes:
 * the Indeterminate group holds Bethesda I (non-diagnostic, scant cells), so a tile with nothing on it
 * is evidence for Indeterminate too.
 */
final class TileEvidence {

    /** A tile with fewer dark (nuclear) pixels than this share has hardly any cells on it. */
    private static final double CELL_POOR = 0.02;
    private static final int DARK = 120;
    private static final String[] KINDS = {"holds lesion cells", "no lesion cells, other cells", "hardly any cells"};

    private TileEvidence() {
    }

    /** Generates {@code casesPerCategory} cases of every Bethesda category (seeds from 800000) and reports on their tiles. */
    static void report(Report report, LoadedModel encoder, ModelCard.Views views, int casesPerCategory) {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        report.line("");
        report.line("Mean class probabilities of the tile encoder (%s) on each %d-px tile, by what the tile holds "
                + "(\"hardly any cells\": under %.0f %% of its pixels darker than %d), %d generated cases per Bethesda category:",
                encoder.card().name(), views.tile(), 100 * CELL_POOR, DARK, casesPerCategory);
        report.line("");
        report.line("| Bethesda category | tile holds | tiles | Benign | Indeterminate | Malignant |");
        report.line("|---|---|---|---|---|---|");
        double temperature = encoder.card().calibration().temperature();
        for (BethesdaCategory category : BethesdaCategory.values()) {
            double[][] sums = new double[KINDS.length][3];
            int[] counts = new int[KINDS.length];
            for (int i = 0; i < casesPerCategory; i++) {
                SyntheticCase c = generator.generate(800_000L + category.ordinal() * 1_000L + i, category);
                BufferedImage image = ImageDecoder.decode(c.jpegBytes());
                for (int t = 0; t < views.rows() * views.columns(); t++) {
                    Rectangle tile = new Rectangle(t % views.columns() * views.tile(), t / views.columns() * views.tile(),
                            views.tile(), views.tile());
                    BufferedImage pixels = image.getSubimage(tile.x, tile.y, tile.width, tile.height);
                    double[] p = encoder.run(List.of(ModelInputs.of(pixels, encoder.card()))).get(0).probabilities(temperature);
                    int kind = c.mask().coverage(tile) > 0 ? 0 : darkShare(pixels) >= CELL_POOR ? 1 : 2;
                    counts[kind]++;
                    for (int k = 0; k < 3; k++) {
                        sums[kind][k] += p[k];
                    }
                }
            }
            for (int kind = 0; kind < KINDS.length; kind++) {
                if (counts[kind] > 0) {
                    int n = counts[kind];
                    report.line("| %s | %s | %d | %.2f | %.2f | %.2f |", category, KINDS[kind], n, sums[kind][0] / n, sums[kind][1] / n,
                            sums[kind][2] / n);
                }
            }
        }
    }

    private static double darkShare(BufferedImage tile) {
        int dark = 0;
        for (int y = 0; y < tile.getHeight(); y++) {
            for (int x = 0; x < tile.getWidth(); x++) {
                int rgb = tile.getRGB(x, y);
                if (((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3 < DARK) {
                    dark++;
                }
            }
        }
        return dark / (double) (tile.getWidth() * tile.getHeight());
    }
}
