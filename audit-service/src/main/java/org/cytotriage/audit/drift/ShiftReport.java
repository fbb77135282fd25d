package org.cytotriage.audit.drift;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One hospital's week of one model's predictions, judged from the images alone, before any
 * diagnosis: the share the model did not assess, the mean out-of-distribution score, and a
 * label-free estimate of its performance from its calibrated probabilities (confidence-based
 * performance estimation: were the probabilities right, image i predicted k is truly j with
 * probability p_ij, so the expected confusion matrix is the sum of those); beside them the confirmed
 * figures, where diagnoses exist, and the card's test-set figures they are judged against.
 * Synthetic demo models: NOT FOR CLINICAL USE.
 *
 * @param measureShift per image measure (coverage, contrast, focus), the week's mean of its logarithm
 *        minus the training images', in training standard deviations; empty before the gate
 * @param expectedConfusion rows the (unknown) truth, columns the prediction, in group order; assessed images only
 * @param alarms what moved, in words; empty when nothing did or there were too few images to judge
 */
public record ShiftReport(String hospitalId, String model, String version, Instant weekStart, long images, long notAssessable,
        Double shareNotAssessable, Double meanOutOfDistribution, long assessed, double[][] expectedConfusion, Double estimatedMacroF1,
        int confirmedCases, Double confirmedMacroF1, Map<String, Double> measureShift, Reference reference, List<String> alarms) {

    /** The card's site A test-set figures; a part is null on cards made before it was written. */
    public record Reference(Double shareNotAssessable, Double meanOutOfDistribution, Double macroF1) {
    }

    public boolean alarmed() {
        return !alarms.isEmpty();
    }
}
