package org.cytotriage.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticCytologyGeneratorTest {

    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    @ParameterizedTest
    @EnumSource(BethesdaCategory.class)
    void sameSeedGivesIdenticalPngBytes(BethesdaCategory category) {
        byte[] first = generator.generate(11, category, Site.SITE_B).pngBytes();
        // A fresh generator, so no state can be shared between the two calls.
        byte[] second = new SyntheticCytologyGenerator().generate(11, category, Site.SITE_B).pngBytes();
        assertArrayEquals(first, second);
    }

    @Test
    void jpegBytesAreDeterministicToo() {
        SyntheticCase first = generator.generate(5, BethesdaCategory.VI);
        SyntheticCase second = generator.generate(5, BethesdaCategory.VI);
        assertArrayEquals(first.jpegBytes(), second.jpegBytes());
        assertArrayEquals(first.maskPngBytes(), second.maskPngBytes());
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        int[] a = pixels(generator.generate(1, BethesdaCategory.II).image());
        int[] b = pixels(generator.generate(2, BethesdaCategory.II).image());
        long differing = 0;
        for (int i = 0; i < a.length; i++) {
            differing += a[i] != b[i] ? 1 : 0;
        }
        assertTrue(differing > a.length / 2, "only " + differing + " pixels differ");
    }

    @Test
    void imageIs1024x768RgbAndEncodingsDecodeToTheSameSize() throws IOException {
        SyntheticCase generated = generator.generate(3, BethesdaCategory.IV);
        BufferedImage image = generated.image();
        assertEquals(1024, image.getWidth());
        assertEquals(768, image.getHeight());
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        for (byte[] encoded : new byte[][] {generated.pngBytes(), generated.jpegBytes(), generated.maskPngBytes()}) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(encoded));
            assertEquals(1024, decoded.getWidth());
            assertEquals(768, decoded.getHeight());
        }
        assertArrayEquals(pixels(image), pixels(ImageIO.read(new ByteArrayInputStream(generated.pngBytes()))),
                "PNG must be lossless");
    }

    @ParameterizedTest
    @EnumSource(value = BethesdaCategory.class, names = {"II", "III", "IV", "V", "VI"})
    void maskIsNonEmptyAndInsideTheImageForDiagnosticCategories(BethesdaCategory category) {
        for (long seed = 0; seed < 8; seed++) {
            SyntheticCase generated = generator.generate(seed, category);
            LesionMask mask = generated.mask();
            assertFalse(mask.isEmpty(), category + " seed " + seed);
            Rectangle bounds = mask.bounds().orElseThrow();
            assertTrue(new Rectangle(0, 0, 1024, 768).contains(bounds), bounds.toString());
            assertTrue(mask.area() > 500, "a diagnostic group covers more than a few cells: " + mask.area());
            assertTrue(mask.area() < 1024 * 768 / 2, "the mask marks cells, not the whole field: " + mask.area());
            assertTrue(generated.statistics().diagnosticCells() > 0);
        }
    }

    @Test
    void nondiagnosticCasesHaveAnEmptyMaskAndFewCells() {
        for (long seed = 0; seed < 8; seed++) {
            SyntheticCase generated = generator.generate(seed, BethesdaCategory.I);
            assertTrue(generated.mask().isEmpty());
            assertTrue(generated.mask().bounds().isEmpty());
            assertTrue(generated.statistics().cells() < 60, "cells: " + generated.statistics().cells());
        }
    }

    @ParameterizedTest
    @EnumSource(BethesdaCategory.class)
    void caseCarriesItsLabelsAndTheGroupOfItsCategory(BethesdaCategory category) {
        SyntheticCase generated = generator.generate(9, category, Site.SITE_B);
        assertEquals(category, generated.category());
        assertEquals(Site.SITE_B, generated.site());
        assertEquals(9, generated.seed());
        TreatmentGroup expected = switch (category) {
            case II -> TreatmentGroup.BENIGN;
            case VI -> TreatmentGroup.MALIGNANT;
            default -> TreatmentGroup.INDETERMINATE;
        };
        assertEquals(expected, generated.group());
    }

    @Test
    void siteBIsBrighterAndDifferentlyColouredWithTheSameCells() {
        for (BethesdaCategory category : new BethesdaCategory[] {BethesdaCategory.II, BethesdaCategory.VI}) {
            SyntheticCase a = generator.generate(21, category, Site.SITE_A);
            SyntheticCase b = generator.generate(21, category, Site.SITE_B);
            double[] meanA = meanRgb(a.image());
            double[] meanB = meanRgb(b.image());
            double brightnessA = (meanA[0] + meanA[1] + meanA[2]) / 3;
            double brightnessB = (meanB[0] + meanB[1] + meanB[2]) / 3;
            assertTrue(brightnessB > brightnessA + 5, "brightness A " + brightnessA + ", B " + brightnessB);
            double channelDifference = Math.abs((meanB[0] - meanB[2]) - (meanA[0] - meanA[2]))
                    + Math.abs((meanB[1] - meanB[2]) - (meanA[1] - meanA[2]));
            assertTrue(channelDifference > 2, "colour balance should shift: " + Arrays.toString(meanA) + " vs "
                    + Arrays.toString(meanB));
            // The site changes the look only: same cells, same mask, same statistics.
            assertEquals(a.statistics(), b.statistics());
            assertArrayEquals(a.maskPngBytes(), b.maskPngBytes());
        }
    }

    @Test
    void malignantNucleiAreLargerAndCarryGroovesAndInclusions() {
        double benignArea = 0;
        double malignantArea = 0;
        int benignGrooves = 0;
        int benignInclusions = 0;
        int malignantGrooves = 0;
        int malignantInclusions = 0;
        int seeds = 12;
        for (long seed = 0; seed < seeds; seed++) {
            CaseStatistics benign = generator.generate(seed, BethesdaCategory.II).statistics();
            CaseStatistics malignant = generator.generate(seed, BethesdaCategory.VI).statistics();
            benignArea += benign.meanDiagnosticNuclearArea() / seeds;
            malignantArea += malignant.meanDiagnosticNuclearArea() / seeds;
            benignGrooves += benign.grooves();
            benignInclusions += benign.inclusions();
            malignantGrooves += malignant.grooves();
            malignantInclusions += malignant.inclusions();
        }
        assertTrue(malignantArea > 1.2 * benignArea, "benign " + benignArea + " px², malignant " + malignantArea);
        // An occasional groove in a benign smear happens in practice too; an inclusion does not here.
        assertTrue(benignGrooves < malignantGrooves / 20, "benign grooves: " + benignGrooves + " of " + malignantGrooves);
        assertEquals(0, benignInclusions);
        assertTrue(malignantGrooves > 40 * seeds, "grooves: " + malignantGrooves);
        assertTrue(malignantInclusions > 10 * seeds, "inclusions: " + malignantInclusions);
    }

    @Test
    void settingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new GeneratorSettings(-1, 1, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorSettings(1, 1, 0, 3));
        assertEquals(new GeneratorSettings(1, 1, 1, 3), GeneratorSettings.defaults());
    }

    @Test
    void siteParsesCodesAndNames() {
        assertEquals(Site.SITE_B, Site.parse("b"));
        assertEquals(Site.SITE_A, Site.parse("SITE_A"));
        assertThrows(IllegalArgumentException.class, () -> Site.parse("C"));
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static double[] meanRgb(BufferedImage image) {
        double[] sum = new double[3];
        for (int pixel : pixels(image)) {
            sum[0] += (pixel >> 16) & 0xff;
            sum[1] += (pixel >> 8) & 0xff;
            sum[2] += pixel & 0xff;
        }
        int n = image.getWidth() * image.getHeight();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
