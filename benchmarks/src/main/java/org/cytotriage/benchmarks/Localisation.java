package org.cytotriage.benchmarks;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.run.ModelOutput;
import org.cytotriage.synthetic.LesionMask;

/**
 * Where a heatmap points against where the diagnostic cells are (the lesion mask), each measure with
 * what a map without information would score. The grid is stretched over the whole image, as the
 * overlay draws it.
 */
final class Localisation {

    /** Pointing game tolerance (Zhang et al.): the maximum counts as a hit within 15 px of the mask. */
    static final int TOLERANCE = 15;
    /** Share of the image blurred away in the faithfulness check. */
    static final double BLURRED_SHARE = 0.1;

    private Localisation() {
    }

    /** Whether the heatmap's maximum (the centre of its hottest cell) lies within the tolerance of the mask. */
    static boolean pointingHit(Heatmap heatmap, LesionMask mask) {
        int best = IntStream.range(0, heatmap.values().length).reduce((a, b) -> heatmap.values()[b] > heatmap.values()[a] ? b : a)
                .orElseThrow();
        Rectangle cell = cell(heatmap, best, mask.width(), mask.height());
        return nearMask(mask, (int) cell.getCenterX(), (int) cell.getCenterY());
    }

    /** The hit rate of a point drawn uniformly over the image: the share of the image near the mask. */
    static double randomPointingRate(LesionMask mask, Random random, int samples) {
        int hits = 0;
        for (int i = 0; i < samples; i++) {
            hits += nearMask(mask, random.nextInt(mask.width()), random.nextInt(mask.height())) ? 1 : 0;
        }
        return hits / (double) samples;
    }

    /** Share of the heatmap's total inside the mask (each cell weighted by the mask's cover of it). */
    static double energyInMask(Heatmap heatmap, LesionMask mask) {
        return mask.shareOf(heatmap.values(), heatmap.rows(), heatmap.cols());
    }

    /**
     * Whether the tile whose map of the class carries the most heat (the sum of its positive part)
     * holds lesion cells: which part of the image the multi-region model's evidence for the class
     * comes from, whatever the finer position inside the tile.
     */
    static boolean hottestTileHoldsLesion(ModelOutput output, int group, ModelCard.Views views, LesionMask mask) {
        float[][][] maps = output.activationMaps();
        int hottest = 0;
        double most = -1;
        for (int tile = 0; tile < views.rows() * views.columns(); tile++) {
            double heat = 0;
            for (float v : maps[tile + 1][group]) { // view 0 is the whole image
                heat += Math.max(0, v);
            }
            if (heat > most) {
                most = heat;
                hottest = tile;
            }
        }
        return mask.coverage(tile(views, hottest)) > 0;
    }

    /** What {@link #hottestTileHoldsLesion} scores for a tile drawn at random. */
    static double shareOfTilesHoldingLesion(ModelCard.Views views, LesionMask mask) {
        int tiles = views.rows() * views.columns();
        return IntStream.range(0, tiles).filter(t -> mask.coverage(tile(views, t)) > 0).count() / (double) tiles;
    }

    private static Rectangle tile(ModelCard.Views views, int index) {
        return new Rectangle(index % views.columns() * views.tile(), index / views.columns() * views.tile(), views.tile(),
                views.tile());
    }

    /** What a flat map scores: the mask's share of the image. */
    static double maskShare(LesionMask mask) {
        return mask.area() / (double) (mask.width() * mask.height());
    }

    /** The hottest cells covering {@value #BLURRED_SHARE} of the image. */
    static List<Integer> hottestCells(Heatmap heatmap) {
        return IntStream.range(0, heatmap.values().length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> heatmap.values()[i]).reversed())
                .limit(cellsToBlur(heatmap)).toList();
    }

    /** As many cells as {@link #hottestCells}, drawn at random. */
    static List<Integer> randomCells(Heatmap heatmap, Random random) {
        List<Integer> cells = new ArrayList<>(IntStream.range(0, heatmap.values().length).boxed().toList());
        Collections.shuffle(cells, random);
        return cells.subList(0, cellsToBlur(heatmap));
    }

    /** A copy of the image with these cells blurred away (a wide box blur, as the ROAD metric removes detail). */
    static BufferedImage blurred(BufferedImage image, Heatmap heatmap, List<Integer> cells) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        int size = 21;
        float[] box = new float[size * size];
        Arrays.fill(box, 1f / box.length);
        BufferedImage blurredAll = new ConvolveOp(new Kernel(size, size, box), ConvolveOp.EDGE_NO_OP, null).filter(rgb, null);
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        g = out.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        for (int cell : cells) {
            Rectangle r = cell(heatmap, cell, image.getWidth(), image.getHeight());
            g.drawImage(blurredAll.getSubimage(r.x, r.y, r.width, r.height), r.x, r.y, null);
        }
        g.dispose();
        return out;
    }

    private static int cellsToBlur(Heatmap heatmap) {
        return Math.max(1, (int) Math.round(BLURRED_SHARE * heatmap.values().length));
    }

    /** The image pixels of a grid cell. */
    static Rectangle cell(Heatmap heatmap, int index, int width, int height) {
        int row = index / heatmap.cols();
        int col = index % heatmap.cols();
        int x0 = col * width / heatmap.cols();
        int x1 = (col + 1) * width / heatmap.cols();
        int y0 = row * height / heatmap.rows();
        int y1 = (row + 1) * height / heatmap.rows();
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    private static boolean nearMask(LesionMask mask, int x, int y) {
        for (int dy = -TOLERANCE; dy <= TOLERANCE; dy++) {
            for (int dx = -TOLERANCE; dx <= TOLERANCE; dx++) {
                if (dx * dx + dy * dy <= TOLERANCE * TOLERANCE && mask.contains(x + dx, y + dy)) {
                    return true;
                }
            }
        }
        return false;
    }
}
