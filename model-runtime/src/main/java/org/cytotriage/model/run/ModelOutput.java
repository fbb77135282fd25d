package org.cytotriage.model.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cytotriage.model.assess.ImageMeasures;
import org.cytotriage.model.assess.Verdict;

/**
 * One image's raw model output.
 *
 * @param logits the three class logits, before calibration
 * @param activationMaps pre-ReLU Grad-CAM per view and class, [view][class][row * mapCols + col]
 *        (one view for a whole-image model; whole image then tiles for a multi-region one); null
 *        when the model has none
 * @param pooledFeatures the whole image's last feature map averaged over its cells (the linear
 *        head's input); null when the model was loaded without asking for them
 * @param verdict whether the model may answer for this image; null when loaded without a profile
 */
public record ModelOutput(float[] logits, float[][][] activationMaps, int mapRows, int mapCols, float[] pooledFeatures,
        ImageMeasures measures, Verdict verdict) {

    /** This output with the image's pooled features, measures and verdict. */
    ModelOutput assessed(float[] pooled, ImageMeasures measured, Verdict judged) {
        return new ModelOutput(logits, activationMaps, mapRows, mapCols, pooled, measured, judged);
    }

    /** The calibrated probabilities, softmax(logits / temperature). */
    public double[] probabilities(double temperature) {
        return Calibration.softmax(logits, temperature);
    }

    /**
     * Splits a batch's flat outputs: logits [N,3] and maps [N,C,h,w] or [N,V,C,h,w].
     */
    static List<ModelOutput> split(int n, float[] logits, float[] maps, long[] mapShape) {
        int classes = logits.length / n;
        List<ModelOutput> outputs = new ArrayList<>(n);
        int views = mapShape == null ? 0 : mapShape.length == 5 ? (int) mapShape[1] : 1;
        int rows = mapShape == null ? 0 : (int) mapShape[mapShape.length - 2];
        int cols = mapShape == null ? 0 : (int) mapShape[mapShape.length - 1];
        int cells = rows * cols;
        for (int i = 0; i < n; i++) {
            float[][][] perView = null;
            if (maps != null) {
                perView = new float[views][classes][];
                for (int v = 0; v < views; v++) {
                    for (int c = 0; c < classes; c++) {
                        int from = ((i * views + v) * classes + c) * cells;
                        perView[v][c] = Arrays.copyOfRange(maps, from, from + cells);
                    }
                }
            }
            outputs.add(new ModelOutput(Arrays.copyOfRange(logits, i * classes, (i + 1) * classes), perView, rows, cols,
                    null, null, null));
        }
        return outputs;
    }
}
