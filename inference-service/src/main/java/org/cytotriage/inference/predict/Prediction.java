package org.cytotriage.inference.predict;

import java.util.Set;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;

/**
 * One image's calibrated prediction, and the model that made it.
 *
 * @param probabilities calibrated, in class order (benign, indeterminate, malignant)
 * @param activationMaps per-class Grad-CAM before ReLU of every view (the whole image first, then a
 *        multi-region model's tiles row by row), [view][class][row * cols + col]; null when the model has none
 * @param millis time spent on this image: its preprocessing and its share of the model run
 * @param group the group the probabilities favour; the treatment group given only when the verdict is assessable
 * @param verdict whether the model may answer for this image at all
 * @param predictionSet the conformal set of plausible groups at {@code setCoverage}
 */
public record Prediction(ModelCard model, TreatmentGroup group, double[] probabilities, double temperature,
        boolean flaggedForReview, float[][][] activationMaps, int mapRows, int mapCols, double millis, Verdict verdict,
        Set<TreatmentGroup> predictionSet, double setCoverage) {
}
