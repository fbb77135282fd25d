package org.cytotriage.model.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A model directory's {@code reference.json}, written by {@code training/} ({@code cytotriage_training.train},
 * {@code .train_variant}, {@code .finetune}): a few synthetic test cases with PyTorch's outputs, against which the
 * Java inference and explain paths are checked.
 *
 * @param temperature the calibration temperature PyTorch applied to the reference probabilities
 */
public record ReferenceCases(Path modelDirectory, double temperature, List<Case> cases) {

    public static final String FILE = "reference.json";

    /**
     * @param png the pixels PyTorch saw, as a lossless PNG (bit-exact input)
     * @param jpeg the dataset's original JPEG (which training decoded with libjpeg), or null
     * @param probabilities calibrated, softmax(logits / temperature)
     * @param gradCam PyTorch autograd Grad-CAM, [view][class][row * mapCols + col] (one view for a
     *        whole-image model, 13 for Premium: the Basic network's Grad-CAM on each view)
     * @param mapRows the rows of each Grad-CAM grid, as PyTorch wrote it
     * @param mapCols its columns
     */
    public record Case(Path png, Path jpeg, String group, float[] logits, double[] probabilities, float[][][] gradCam,
            int mapRows, int mapCols) {
    }

    public static ReferenceCases read(Path modelDirectory) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(modelDirectory.resolve(FILE)));
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                JsonNode firstGrid = firstGrid(c.get("gradCam"));
                cases.add(new Case(modelDirectory.resolve(c.get("png").asText()).normalize(),
                        c.has("jpeg") ? modelDirectory.resolve(c.get("jpeg").asText()).normalize() : null,
                        c.get("group").asText(), floats(c.get("logits")), doubles(c.get("probabilities")),
                        gradCam(c.get("gradCam")), firstGrid.size(), firstGrid.get(0).size()));
            }
            return new ReferenceCases(modelDirectory, root.get("temperature").asDouble(), cases);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDirectory.resolve(FILE), e);
        }
    }

    /** [class][h][w] for one view or [view][class][h][w], to [view][class][cell]. */
    private static float[][][] gradCam(JsonNode maps) {
        JsonNode[] views = isPerView(maps) ? toArray(maps) : new JsonNode[] {maps};
        float[][][] out = new float[views.length][][];
        for (int v = 0; v < views.length; v++) {
            out[v] = new float[views[v].size()][];
            for (int c = 0; c < out[v].length; c++) {
                JsonNode grid = views[v].get(c);
                int cols = grid.get(0).size();
                out[v][c] = new float[grid.size() * cols];
                for (int r = 0; r < grid.size(); r++) {
                    for (int col = 0; col < cols; col++) {
                        out[v][c][r * cols + col] = (float) grid.get(r).get(col).asDouble();
                    }
                }
            }
        }
        return out;
    }

    /** The [h][w] grid of the first class (of the first view). */
    private static JsonNode firstGrid(JsonNode maps) {
        return isPerView(maps) ? maps.get(0).get(0) : maps.get(0);
    }

    private static boolean isPerView(JsonNode maps) {
        return maps.get(0).get(0).get(0).isArray();
    }

    private static JsonNode[] toArray(JsonNode array) {
        JsonNode[] items = new JsonNode[array.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = array.get(i);
        }
        return items;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
