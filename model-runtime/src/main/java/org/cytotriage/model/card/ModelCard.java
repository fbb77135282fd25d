package org.cytotriage.model.card;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What serving needs from a model directory's {@code model-card.json}: identity, class order,
 * preprocessing, calibration and output names. Everything else on the card (metrics, training
 * data) is for people and is read by them, not here.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(String name, String version, String sha256, String variant, List<String> classOrder,
        Preprocessing preprocessing, Calibration calibration, Outputs outputs, Assessability assessability,
        String label) {

    public static final String FILE = "model-card.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelCard read(Path modelDirectory) {
        try {
            return JSON.readValue(modelDirectory.resolve(FILE).toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDirectory.resolve(FILE), e);
        }
    }

    /**
     * The card of a published model, checked against the sha256 its publication announced.
     *
     * @throws IllegalStateException when the card names another sha256
     */
    public static ModelCard readPublished(Path modelDirectory, String announcedSha256) {
        ModelCard card = read(modelDirectory);
        if (!card.sha256().equals(announcedSha256)) {
            throw new IllegalStateException("the published sha256 " + announcedSha256 + " differs from the card's "
                    + card.sha256());
        }
        return card;
    }

    /** Number of views per image the model takes (1 for a whole-image model, 13 for Premium). */
    public int viewCount() {
        return preprocessing.views() == null ? 1 : preprocessing.views().count();
    }

    /**
     * Input tensor layout: each view stretched to width x height (plain bilinear), RGB scaled to
     * 0..1, then (x - mean) / std, channels first.
     *
     * @param views the multi-region layout; absent for a model that sees only the whole image
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Preprocessing(String inputName, int width, int height, String resize, float[] mean, float[] std,
            Views views) {
    }

    /**
     * Multi-region views: the image stretched to canvasWidth x canvasHeight, then the whole canvas
     * followed by a rows x columns grid of tile x tile squares, row by row.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Views(int canvasWidth, int canvasHeight, int tile, int rows, int columns) {

        public Views {
            if (rows * tile > canvasHeight || columns * tile > canvasWidth) {
                throw new IllegalArgumentException("a " + rows + "x" + columns + " grid of " + tile
                        + " px tiles does not fit a " + canvasWidth + "x" + canvasHeight + " canvas");
            }
        }

        public int count() {
            return 1 + rows * columns;
        }
    }

    /**
     * Temperature scaling fitted on the validation split: probabilities = softmax(logits / temperature);
     * and the class-conditional split-conformal thresholds fitted on the same split.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(double temperature, Conformal conformal) {
    }

    /**
     * Class-conditional split conformal prediction (Vovk's Mondrian conformal, score 1 - p of the
     * class): a group belongs to an image's prediction set when 1 - p(group) is at most the group's
     * threshold for the coverage asked for.
     *
     * @param levels per target coverage (as written, e.g. "0.90"), the thresholds in class order
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Conformal(String method, Map<String, double[]> levels) {
    }

    /**
     * The assessability profile: a file of the model directory, fitted by {@code training/} on the
     * model's own training and validation images, checked against this sha256 when the model loads.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Assessability(String file, String sha256) {
    }

    /**
     * ONNX output names.
     *
     * @param classActivationMaps pre-ReLU Grad-CAM per class ([N,C,h,w], or [N,V,C,h,w] per view)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Outputs(String logits, String features, String classActivationMaps) {
    }
}
