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
 * A model directory's {@code reference.json}, written by {@code training/train.py}: a few synthetic
 * test cases with PyTorch's outputs, against which the Java inference and explain paths are checked.
 *
 * @param temperature the calibration temperature PyTorch applied to the reference probabilities
 */
public record ReferenceCases(Path modelDirectory, double temperature, List<Case> cases) {

    public static final String FILE = "reference.json";

    /**
     * @param png the pixels PyTorch saw, as a lossless PNG (bit-exact input)
     * @param jpeg the dataset's original JPEG (which training decoded with libjpeg), or null
     * @param probabilities calibrated, softmax(logits / temperature)
     * @param gradCam PyTorch autograd Grad-CAM, [view][class][row * 7 + col] (one view for a
     *        whole-image model, 13 for Premium: the Basic network's Grad-CAM on each view)
     */
    public record Case(Path png, Path jpeg, String group, float[] logits, double[] probabilities, float[][][] gradCam) {
    }

    public static ReferenceCases read(Path modelDirectory) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(modelDirectory.resolve(FILE)));
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(modelDirectory.resolve(c.get("png").asText()).normalize(),
                        c.has("jpeg") ? modelDirectory.resolve(c.get("jpeg").asText()).normalize() : null,
                        c.get("group").asText(), floats(c.get("logits")), doubles(c.get("probabilities")),
                        gradCam(c.get("gradCam"))));
            }
            return new ReferenceCases(modelDirectory, root.get("temperature").asDouble(), cases);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDirectory.resolve(FILE), e);
        }
    }

    /** [class][h][w] for one view or [view][class][h][w], to [view][class][cell]. */
    private static float[][][] gradCam(JsonNode maps) {
        boolean perView = maps.get(0).get(0).get(0).isArray();
        List<JsonNode> views = new ArrayList<>();
        if (perView) {
            maps.forEach(views::add);
        } else {
            views.add(maps);
        }
        float[][][] out = new float[views.size()][][];
        for (int v = 0; v < out.length; v++) {
            JsonNode classes = views.get(v);
            out[v] = new float[classes.size()][];
            for (int c = 0; c < classes.size(); c++) {
                List<Float> cells = new ArrayList<>();
                classes.get(c).forEach(row -> row.forEach(cell -> cells.add((float) cell.asDouble())));
                out[v][c] = new float[cells.size()];
                for (int i = 0; i < cells.size(); i++) {
                    out[v][c][i] = cells.get(i);
                }
            }
        }
        return out;
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
