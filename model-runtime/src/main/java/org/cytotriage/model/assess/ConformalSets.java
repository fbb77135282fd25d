package org.cytotriage.model.assess;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.model.card.ModelCard;

/**
 * Prediction sets by class-conditional split conformal prediction, calibrated on the model's
 * validation split by {@code training/} ({@code cytotriage_training.conformal}): a group is in the set
 * when 1 - p(group) is at most its threshold, so each group's images keep the target coverage on
 * their own (Malignant and Indeterminate are not traded against the easy Benign cases). A set of
 * more than one group says the model cannot tell them apart at that coverage; an empty one that the
 * image is unlike any group's calibration images.
 */
public final class ConformalSets {

    private final double coverage;
    private final double[] thresholds;

    private ConformalSets(double coverage, double[] thresholds) {
        this.coverage = coverage;
        this.thresholds = thresholds;
    }

    /** The card's thresholds for this target coverage, which it must have been calibrated for. */
    public static ConformalSets of(ModelCard card, double coverage) {
        ModelCard.Conformal conformal = card.calibration().conformal();
        if (conformal == null || conformal.levels() == null) {
            throw new IllegalStateException("model " + card.name() + " " + card.version() + " has no conformal calibration");
        }
        for (Map.Entry<String, double[]> level : conformal.levels().entrySet()) {
            if (Math.abs(Double.parseDouble(level.getKey()) - coverage) < 1e-9) {
                if (level.getValue().length != TreatmentGroup.values().length) {
                    throw new IllegalStateException("conformal level " + level.getKey() + " has " + level.getValue().length
                            + " thresholds");
                }
                return new ConformalSets(coverage, level.getValue().clone());
            }
        }
        throw new IllegalStateException("model " + card.name() + " " + card.version() + " is calibrated for coverage "
                + conformal.levels().keySet() + ", not " + coverage);
    }

    public double coverage() {
        return coverage;
    }

    /** The set of plausible groups for calibrated probabilities in class order. */
    public Set<TreatmentGroup> of(double[] probabilities) {
        Set<TreatmentGroup> set = EnumSet.noneOf(TreatmentGroup.class);
        for (TreatmentGroup group : TreatmentGroup.values()) {
            if (1 - probabilities[group.ordinal()] <= thresholds[group.ordinal()]) {
                set.add(group);
            }
        }
        return set;
    }
}
