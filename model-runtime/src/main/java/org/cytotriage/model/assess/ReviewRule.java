package org.cytotriage.model.assess;

import java.util.Set;

import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * When a prediction goes to expert review: the image is not assessable, its conformal set holds
 * other than one group (the model cannot tell them apart, or the image is like none of them), or the
 * top probability is below the threshold. The same rule for the live model and a candidate in shadow.
 */
public record ReviewRule(double threshold) {

    public boolean flags(Verdict verdict, Set<TreatmentGroup> predictionSet, double topProbability) {
        return !verdict.assessable() || predictionSet.size() != 1 || topProbability < threshold;
    }
}
