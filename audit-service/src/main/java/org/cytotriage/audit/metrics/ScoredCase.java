package org.cytotriage.audit.metrics;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * One confirmed case as the metrics see it: the final diagnosis against the calibrated
 * probabilities (in {@link TreatmentGroup} order) and whether the prediction was flagged for review.
 */
public record ScoredCase(BethesdaCategory diagnosis, double[] probabilities, boolean flaggedForReview) {

    public TreatmentGroup truth() {
        return diagnosis.group();
    }

    public TreatmentGroup predicted() {
        return mostProbable(probabilities);
    }

    /** The most probable group; the first of equals, as numpy's argmax. */
    public static TreatmentGroup mostProbable(double[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return TreatmentGroup.values()[best];
    }

    public double confidence() {
        return probabilities[predicted().ordinal()];
    }

    /** The top probability less the runner-up: how near the prediction was to another group. */
    public double margin() {
        double top = 0;
        double second = 0;
        for (double p : probabilities) {
            if (p > top) {
                second = top;
                top = p;
            } else if (p > second) {
                second = p;
            }
        }
        return top - second;
    }
}
