package org.cytotriage.explain.gradcam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class GradCamTest {

    /** Shipped with the model: PyTorch autograd Grad-CAM (hooks on the last feature block) per class. */
    private static final Path REFERENCE = Path.of("../models/basic-untrained/reference.json");

    @Test
    void equalsPyTorchAutogradGradCamOnTheShippedReferenceVectors() throws IOException {
        JsonNode reference = new ObjectMapper().readTree(REFERENCE.toFile());
        int compared = 0;
        for (JsonNode input : reference.get("inputs")) {
            for (String group : new String[] {"BENIGN", "INDETERMINATE", "MALIGNANT"}) {
                float[] cam = floats(input.get("classActivationMaps").get(group));
                float[] autograd = floats(input.get("gradCam").get(group));
                Heatmap heatmap = GradCam.fromActivationMap(7, 7, cam);
                float max = 0;
                for (float v : autograd) {
                    max = Math.max(max, v);
                }
                for (int i = 0; i < autograd.length; i++) {
                    float expected = max > 0 ? autograd[i] / max : 0;
                    assertThat(heatmap.values()[i]).as("%s %s cell %d", input.get("name").asText(), group, i)
                            .isCloseTo(expected, within(1e-4f));
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(6);
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

    private static float[] floats(JsonNode grid) {
        float[] values = new float[49];
        int i = 0;
        for (JsonNode row : grid) {
            for (JsonNode cell : row) {
                values[i++] = (float) cell.asDouble();
            }
        }
        return values;
    }
}
