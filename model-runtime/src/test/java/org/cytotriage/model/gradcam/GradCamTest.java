package org.cytotriage.model.gradcam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradCamTest {

    /**
     * From the reference image to the class activation maps ONNX Runtime computes (what inference
     * puts in PredictionMade), through explain's Grad-CAM, against PyTorch autograd Grad-CAM (hooks
     * on the last feature block) of every class, and of every view for the multi-region model.
     *
     * <p>Maps are compared normalised to the image's strongest class map (one scale per view), and
     * each map also normalised to its own peak, as displayed, when that peak is at least a tenth of
     * the strongest: a class with almost no evidence has a peak near 0.002, where float32 noise of
     * about 3e-7 between ONNX Runtime and PyTorch (measured) would be magnified 400 times by its own
     * normalisation.
     */
    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM})
    void equalsPyTorchAutogradGradCamOnTheShippedReferenceCases(String model) throws IOException {
        Path directory = ShippedModels.directory(model);
        ReferenceCases reference = ReferenceCases.read(directory);
        int compared = 0;
        try (LoadedModel loaded = LoadedModel.load(directory, 2)) {
            for (ReferenceCases.Case c : reference.cases()) {
                float[] input = ModelInputs.of(ImageDecoder.decode(Files.readAllBytes(c.png())), loaded.card());
                ModelOutput output = loaded.run(List.of(input)).get(0);
                assertThat(output.activationMaps().length).isEqualTo(c.gradCam().length);
                assertThat(output.mapRows()).as("grid rows against PyTorch's").isEqualTo(c.mapRows());
                assertThat(output.mapCols()).as("grid columns against PyTorch's").isEqualTo(c.mapCols());
                for (int view = 0; view < c.gradCam().length; view++) {
                    float strongest = 0;
                    for (float[] map : c.gradCam()[view]) {
                        strongest = Math.max(strongest, peak(map));
                    }
                    for (int k = 0; k < 3; k++) {
                        float[] expected = c.gradCam()[view][k];
                        float[] actual = output.activationMaps()[view][k];
                        for (int i = 0; i < expected.length; i++) {
                            assertThat(Math.max(actual[i], 0f) / strongest)
                                    .as("%s %s view %d class %d cell %d, on the image's scale", model,
                                            c.png().getFileName(), view, k, i)
                                    .isCloseTo(expected[i] / strongest, within(1e-4f));
                        }
                        if (peak(expected) >= 0.1f * strongest) {
                            Heatmap heatmap = GradCam.fromActivationMap(output.mapRows(), output.mapCols(), actual);
                            float own = peak(expected);
                            for (int i = 0; i < expected.length; i++) {
                                assertThat(heatmap.values()[i])
                                        .as("%s %s view %d class %d cell %d, as displayed", model, c.png().getFileName(),
                                                view, k, i)
                                        .isCloseTo(expected[i] / own, within(1e-4f));
                            }
                        }
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(reference.cases().size() * 3 * ModelCard.read(directory).viewCount());
    }

    @Test
    void keepsOnlyPositiveEvidenceScaledToOne() {
        Heatmap heatmap = GradCam.fromActivationMap(1, 4, new float[] {-2f, 0f, 1f, 4f});
        assertThat(heatmap.values()).containsExactly(0f, 0f, 0.25f, 1f);
    }

    @Test
    void refusesAMapOfTheWrongSize() {
        assertThatThrownBy(() -> GradCam.fromActivationMap(7, 7, new float[48])).hasMessageContaining("needs 49 values");
    }

    private static float peak(float[] map) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        return max;
    }
}
