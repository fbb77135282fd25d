package org.cytotriage.inference.predict;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.model.card.ModelCard;

/**
 * One image's calibrated prediction, and the model that made it.
 *
 * @param probabilities calibrated, in class order (benign, indeterminate, malignant)
 * @param activationMaps per-class Grad-CAM before ReLU of every view (the whole image first, then a
 *        multi-region model's tiles row by row), [view][class][row * cols + col]; null when the model has none
 * @param millis time spent on this image: its preprocessing and its share of the model run
 */
public record Prediction(ModelCard model, TreatmentGroup group, double[] probabilities, double temperature,
        boolean flaggedForReview, float[][][] activationMaps, int mapRows, int mapCols, double millis) {
}
