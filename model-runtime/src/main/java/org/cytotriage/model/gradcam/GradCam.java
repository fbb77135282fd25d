package org.cytotriage.model.gradcam;

import java.util.Arrays;

import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.run.ModelOutput;

/**
 * Grad-CAM from the class activation maps the model computes in its graph. At EfficientNet's last
 * feature layer (global average pooling, then one linear layer) the Grad-CAM weights are exactly
 * W[c,k] / (h*w), so the model's {@code class_activation_maps} output is the weighted sum of the
 * feature maps; Grad-CAM is its positive part. It is then scaled to 0..1 for display.
 */
public final class GradCam {

    private GradCam() {
    }

    /**
     * One class's Grad-CAM over the whole image from the maps of every view: at tile resolution
     * ({@link RegionalHeatmap}) when the model's tiles cover its canvas, else the whole-image view's
     * grid.
     *
     * @param viewMaps this class's map of each view, the whole image first, then the tiles row by row
     * @param tiles the model's tile geometry, null for a single-view model
     */
    public static Heatmap ofViews(float[][] viewMaps, int mapRows, int mapCols, ModelCard.Views tiles) {
        if (tiles == null || viewMaps.length == 1 || tiles.rows() * tiles.tile() != tiles.canvasHeight()
                || tiles.columns() * tiles.tile() != tiles.canvasWidth()) {
            return fromActivationMap(mapRows, mapCols, viewMaps[0]);
        }
        return RegionalHeatmap.combine(viewMaps[0], Arrays.copyOfRange(viewMaps, 1, viewMaps.length), mapRows, mapCols,
                tiles.rows(), tiles.columns());
    }

    /** One class's Grad-CAM over the whole image from a model run's maps (every view). */
    public static Heatmap ofClass(ModelOutput output, int classIndex, ModelCard.Views tiles) {
        float[][] viewMaps = new float[output.activationMaps().length][];
        for (int view = 0; view < viewMaps.length; view++) {
            viewMaps[view] = output.activationMaps()[view][classIndex];
        }
        return ofViews(viewMaps, output.mapRows(), output.mapCols(), tiles);
    }

    public static Heatmap fromActivationMap(int rows, int cols, float[] classActivationMap) {
        float[] values = positivePart(rows, cols, classActivationMap);
        scaleToOne(values);
        return new Heatmap(rows, cols, values);
    }

    /** Grad-CAM in the model's own units (logit contributions), not scaled. */
    static float[] positivePart(int rows, int cols, float[] classActivationMap) {
        if (classActivationMap.length != rows * cols) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " map needs " + rows * cols + " values, got " + classActivationMap.length);
        }
        float[] values = new float[classActivationMap.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(classActivationMap[i], 0);
        }
        return values;
    }

    /** Divides by the maximum, in place; all zeros stay zeros. */
    static void scaleToOne(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            for (int i = 0; i < values.length; i++) {
                values[i] /= max;
            }
        }
    }
}
