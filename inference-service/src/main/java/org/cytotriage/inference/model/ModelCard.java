package org.cytotriage.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What inference needs from a model directory's {@code model-card.json}: identity, class order,
 * preprocessing, calibration and output names. Everything else on the card is for people.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(String name, String version, String sha256, String variant, List<String> classOrder,
        Preprocessing preprocessing, Calibration calibration, Outputs outputs, String label) {

    public static final String FILE = "model-card.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelCard read(Path modelDirectory) {
        try {
            return JSON.readValue(modelDirectory.resolve(FILE).toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDirectory.resolve(FILE), e);
        }
    }

    /** Input tensor layout: an RGB image stretched to width x height, scaled to 0..1, then (x - mean) / std. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Preprocessing(String inputName, int width, int height, String resize, float[] mean, float[] std) {
    }

    /** Temperature scaling fitted on the validation split: probabilities = softmax(logits / temperature). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(double temperature) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Outputs(String logits, String features, String classActivationMaps) {
    }
}
