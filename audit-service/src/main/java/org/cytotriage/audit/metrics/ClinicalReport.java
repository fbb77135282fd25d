package org.cytotriage.audit.metrics;

import java.util.List;
import java.util.Map;

/**
 * The audit's figures for a set of confirmed cases. Rates are null where they are undefined (no
 * case to divide by, or a one-vs-rest AUC with a class absent). NOT FOR CLINICAL USE with the demo
 * models: they were trained and tested on synthetic images only.
 *
 * @param confusion rows the final diagnosis, columns the prediction, both in group order
 * @param expectedCalibrationError top-label ECE over 15 equal-width confidence bins
 * @param reliability those bins that hold cases: the reliability diagram behind the ECE
 * @param intervals every figure's 95 % interval and the cases behind it ({@link Uncertainty})
 * @param brierScore mean over cases of the squared distance between the probabilities and the
 *        one-hot diagnosis, summed over the three groups (0 best, 2 worst)
 */
public record ClinicalReport(int cases, Double accuracy, int[][] confusion, Map<String, ClassFigures> perClass,
        Double macroF1, Map<String, Double> aucOneVsRest, Double expectedCalibrationError, List<ReliabilityBin> reliability,
        Double brierScore,
        BethesdaV bethesdaV, Double flaggedForReviewShare, Intervals intervals) {

    /**
     * A figure's 95 % interval and how many cases it rests on.
     *
     * @param basedOn the cases behind the figure (a recall's: the group's confirmed cases)
     */
    public record Interval(Double lower, Double upper, int basedOn, String method) {
    }

    /**
     * The 95 % interval of every figure computed from cases (null where the figure is); {@code
     * detectable} says in words what change these cases can and cannot show.
     */
    public record Intervals(Interval accuracy, Map<String, Interval> precision, Map<String, Interval> recall, Interval macroF1,
            Interval expectedCalibrationError, Interval bethesdaVRecall, String detectable) {
    }

    /** Cases whose top probability is in (lower, upper]: their mean top probability against how many were right. */
    public record ReliabilityBin(double lower, double upper, int cases, double meanConfidence, double accuracy) {
    }

    /** Precision, recall and F1 of one group; 0 where scikit-learn's {@code zero_division=0} gives 0. */
    public record ClassFigures(double precision, double recall, double f1, int support) {
    }

    /**
     * The hard Bethesda V cases: {@code recall} is the share predicted Indeterminate (their group),
     * {@code calledBenign} the share predicted Benign (the dangerous miss).
     */
    public record BethesdaV(int cases, Double recall, Double calledBenign) {
    }
}
