package org.cytotriage.model.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java inference path (ImageIO decode, bilinear views, ONNX Runtime, temperature) reproduces
 * PyTorch's calibrated probabilities on the shipped models' reference images.
 */
class ShippedModelParityTest {

    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void probabilitiesFromTheReferenceImagesMatchPyTorch(String model) throws IOException {
        Path directory = ShippedModels.directory(model);
        ReferenceCases reference = ReferenceCases.read(directory);
        assertThat(reference.cases().size()).as("reference cases").isPositive();
        try (LoadedModel loaded = LoadedModel.load(directory, 2)) {
            assertThat(loaded.card().calibration().temperature()).isCloseTo(reference.temperature(), within(1e-5));
            for (ReferenceCases.Case c : reference.cases()) {
                float[] input = ModelInputs.of(ImageDecoder.decode(Files.readAllBytes(c.png())), loaded.card());
                ModelOutput output = loaded.run(List.of(input)).get(0);
                double[] probabilities = output.probabilities(loaded.card().calibration().temperature());
                for (int k = 0; k < 3; k++) {
                    assertThat(probabilities[k]).as("%s %s class %d", model, c.png().getFileName(), k)
                            .isCloseTo(c.probabilities()[k], within(1e-4));
                }
            }
        }
    }

    /**
     * The same cases from their original JPEG files, which training decoded with Pillow (libjpeg-turbo)
     * and Java decodes with ImageIO (the JDK's own IJG decoder). Both use the integer IDCT and the same
     * chroma upsampling, and were measured to give identical pixels here; the figures are printed for
     * the record, and a decoder that drifts would fail this test before it skewed predictions.
     */
    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void fromTheOriginalJpegsProbabilitiesMatchPyTorchToo(String model) throws IOException {
        Path directory = ShippedModels.directory(model);
        ReferenceCases reference = ReferenceCases.read(directory);
        try (LoadedModel loaded = LoadedModel.load(directory, 2)) {
            double temperature = loaded.card().calibration().temperature();
            double worstProbability = 0;
            double worstPixel = 0;
            double meanPixel = 0;
            int jpegs = 0;
            for (ReferenceCases.Case c : reference.cases()) {
                if (c.jpeg() == null) {
                    continue;
                }
                BufferedImage png = ImageDecoder.decode(Files.readAllBytes(c.png()));
                BufferedImage jpeg = ImageDecoder.decode(Files.readAllBytes(c.jpeg()));
                PixelDifference difference = PixelDifference.of(png, jpeg);
                worstPixel = Math.max(worstPixel, difference.max());
                meanPixel += difference.mean();
                double[] probabilities = loaded.run(List.of(ModelInputs.of(jpeg, loaded.card()))).get(0)
                        .probabilities(temperature);
                for (int k = 0; k < 3; k++) {
                    worstProbability = Math.max(worstProbability, Math.abs(probabilities[k] - c.probabilities()[k]));
                }
                jpegs++;
            }
            System.out.printf("%s: ImageIO vs libjpeg on %d JPEGs: pixels differ by %.3f grey levels on average"
                    + " (at most %.0f); probabilities by at most %.5f%n", model, jpegs, meanPixel / jpegs, worstPixel,
                    worstProbability);
            assertThat(jpegs).isPositive();
            assertThat(meanPixel / jpegs).isLessThan(1.0);
            assertThat(worstProbability).isLessThan(1e-4);
        }
    }

    private record PixelDifference(double mean, double max) {

        static PixelDifference of(BufferedImage a, BufferedImage b) {
            assertThat(b.getWidth()).isEqualTo(a.getWidth());
            assertThat(b.getHeight()).isEqualTo(a.getHeight());
            int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
            int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
            long sum = 0;
            int max = 0;
            for (int i = 0; i < pa.length; i++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs(((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF));
                    sum += d;
                    max = Math.max(max, d);
                }
            }
            return new PixelDifference((double) sum / (3.0 * pa.length), max);
        }
    }
}
