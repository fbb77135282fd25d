package org.cytotriage.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fine nuclear features of papillary carcinoma and their decoys hold the same stain, so the
 * whole image shrunk 4.6 times cannot tell them apart by darkness: only their shape, one to three
 * pixels wide, differs, and only a tile keeps it.
 */
class FineDetailTest {

    private static final double WHOLE_VIEW_PIXEL = 1024 / 224.0;
    private static final double TILE_VIEW_PIXEL = 256 / 224.0;

    @ParameterizedTest
    @ValueSource(doubles = {8, 11, 14})
    void aGrooveAndItsClumpsHoldTheSameStain(double semiMajor) {
        double groove = darkness(nucleus(semiMajor, Nucleus.Mark.GROOVE, Nucleus.Spot.NONE));
        double clumps = darkness(nucleus(semiMajor, Nucleus.Mark.CLUMPS, Nucleus.Spot.NONE));
        double plain = darkness(nucleus(semiMajor, Nucleus.Mark.NONE, Nucleus.Spot.NONE));
        assertTrue(groove > plain * 1.02, "a groove must add stain: " + groove + " vs " + plain);
        assertEquals(1.0, (clumps - plain) / (groove - plain), 0.2, "extra stain, clumps vs groove");
    }

    @Test
    void anInclusionAndAClearingRemoveAboutTheSameStain() {
        double plain = darkness(nucleus(11, Nucleus.Mark.NONE, Nucleus.Spot.NONE));
        double inclusion = plain - darkness(nucleus(11, Nucleus.Mark.NONE, Nucleus.Spot.INCLUSION));
        double clearing = plain - darkness(nucleus(11, Nucleus.Mark.NONE, Nucleus.Spot.CLEARING));
        assertTrue(inclusion > 0 && clearing > 0, inclusion + ", " + clearing);
        assertEquals(1.0, clearing / inclusion, 0.3, "brightening, clearing vs inclusion");
    }

    @Test
    void fineFeaturesAreNarrowerThanAWholeViewPixelAndWiderThanATilePixel() {
        for (long seed = 0; seed < 200; seed++) {
            Nucleus n = NuclearFeatures.of(0.6, 0.9).draw(new SplittableRandom(seed), 0, 0, Double.NaN);
            double spotDiameter = 2 * n.spotRadius();
            assertTrue(spotDiameter < WHOLE_VIEW_PIXEL && spotDiameter > TILE_VIEW_PIXEL, "spot " + spotDiameter);
        }
    }

    @Test
    void fineAtypiaChangesTheKindOfMarkNotHowManyNucleiCarryOne() {
        int[] reactive = marks(NuclearFeatures.of(0.5, 0.03));
        int[] carcinoma = marks(NuclearFeatures.of(0.5, 0.9));
        assertEquals(reactive[0] + reactive[1], carcinoma[0] + carcinoma[1], 80, "nuclei with a mark");
        assertEquals(0, reactive[0], "reactive nuclei have no grooves");
        assertEquals(0, carcinoma[1], "carcinoma marks are all grooves");
    }

    private static int[] marks(NuclearFeatures features) {
        SplittableRandom rng = new SplittableRandom(5);
        int[] counts = new int[2];
        for (int i = 0; i < 2000; i++) {
            Nucleus.Mark mark = features.draw(rng, 0, 0, Double.NaN).mark();
            if (mark != Nucleus.Mark.NONE) {
                counts[mark == Nucleus.Mark.GROOVE ? 0 : 1]++;
            }
        }
        return counts;
    }

    private static Nucleus nucleus(double semiMajor, Nucleus.Mark mark, Nucleus.Spot spot) {
        return new Nucleus(32, 32, semiMajor, semiMajor * 0.7, 0.4, 0.85, 0.5, mark, 0.1, 11, spot, 0.1, 0.05, 2.0);
    }

    /** How much darker than the empty background the image is, summed over pixels and channels; no camera noise. */
    private static double darkness(Nucleus nucleus) {
        return sumOfDarkness(nucleus) - sumOfDarkness(null);
    }

    private static double sumOfDarkness(Nucleus nucleus) {
        StainCanvas canvas = new StainCanvas(64, 64);
        StainPalette palette = StainPalette.diffQuik();
        if (nucleus != null) {
            new CellPainter(canvas, new LesionMask(64, 64), palette, 3).paintNucleus(new Cell(nucleus, 0, false));
        }
        BufferedImage image = canvas.develop(palette.illumination(), 0, 0f, 1);
        double sum = 0;
        for (int pixel : image.getRGB(0, 0, 64, 64, null, 0, 64)) {
            sum += 3 * 255 - ((pixel >> 16) & 0xff) - ((pixel >> 8) & 0xff) - (pixel & 0xff);
        }
        return sum;
    }
}
