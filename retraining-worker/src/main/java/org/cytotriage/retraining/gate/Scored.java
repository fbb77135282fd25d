package org.cytotriage.retraining.gate;

import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * One image as the gate scores it, by both models: its confirmed category, each model's calibrated
 * probabilities, and (reference images with a lesion) the share of each model's Grad-CAM of the true
 * group that lies on the lesion; NaN where there is no lesion to point at.
 */
public record Scored(BethesdaCategory truth, double[] live, double[] candidate, double liveOnLesion, double candidateOnLesion) {

    public double[] of(boolean candidateModel) {
        return candidateModel ? candidate : live;
    }

    public double onLesion(boolean candidateModel) {
        return candidateModel ? candidateOnLesion : liveOnLesion;
    }
}
