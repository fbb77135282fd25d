package org.cytotriage.audit.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * Computes a {@link ClinicalReport}. Definitions follow scikit-learn (precision/recall/F1 with
 * {@code zero_division=0}, {@code roc_auc_score} per group against the rest); the tests check every
 * figure against values scikit-learn and numpy computed for the same cases.
 */
public final class ClinicalMetrics {

    static final int CALIBRATION_BINS = 15;
    private static final TreatmentGroup[] GROUPS = TreatmentGroup.values();

    private ClinicalMetrics() {
    }

    public static ClinicalReport of(List<ScoredCase> cases) {
        int n = cases.size();
        int[][] confusion = new int[GROUPS.length][GROUPS.length];
        int correct = 0;
        int flagged = 0;
        for (ScoredCase c : cases) {
            confusion[c.truth().ordinal()][c.predicted().ordinal()]++;
            correct += c.truth() == c.predicted() ? 1 : 0;
            flagged += c.flaggedForReview() ? 1 : 0;
        }
        Map<String, ClinicalReport.ClassFigures> perClass = new LinkedHashMap<>();
        Map<String, Double> auc = new LinkedHashMap<>();
        double f1Sum = 0;
        for (TreatmentGroup group : GROUPS) {
            ClinicalReport.ClassFigures figures = classFigures(confusion, group.ordinal());
            perClass.put(group.name(), figures);
            f1Sum += figures.f1();
            auc.put(group.name(), aucOneVsRest(cases, group));
        }
        List<ClinicalReport.ReliabilityBin> reliability = reliability(cases);
        return new ClinicalReport(n, ratio(correct, n), confusion, perClass, n == 0 ? null : f1Sum / GROUPS.length, auc,
                n == 0 ? null : expectedCalibrationError(reliability, n), reliability, n == 0 ? null : brierScore(cases),
                bethesdaV(cases), ratio(flagged, n), intervals(cases, confusion, correct));
    }

    private static ClinicalReport.Intervals intervals(List<ScoredCase> cases, int[][] confusion, int correct) {
        Map<String, ClinicalReport.Interval> precision = new LinkedHashMap<>();
        Map<String, ClinicalReport.Interval> recall = new LinkedHashMap<>();
        for (TreatmentGroup group : GROUPS) {
            int c = group.ordinal();
            int predicted = 0;
            int actual = 0;
            for (int k = 0; k < GROUPS.length; k++) {
                predicted += confusion[k][c];
                actual += confusion[c][k];
            }
            precision.put(group.name(), Uncertainty.wilson(confusion[c][c], predicted));
            recall.put(group.name(), Uncertainty.wilson(confusion[c][c], actual));
        }
        List<ScoredCase> v = cases.stream().filter(c -> c.diagnosis() == BethesdaCategory.V).toList();
        long vIndeterminate = v.stream().filter(c -> c.predicted() == TreatmentGroup.INDETERMINATE).count();
        Double accuracy = ratio(correct, cases.size());
        return new ClinicalReport.Intervals(Uncertainty.wilson(correct, cases.size()), precision, recall,
                Uncertainty.bootstrap(cases.size(), macroF1Of(cases)),
                Uncertainty.bootstrap(cases.size(), expectedCalibrationErrorOf(cases)),
                Uncertainty.wilson(vIndeterminate, v.size()), Uncertainty.detectable(cases.size(), accuracy));
    }

    /**
     * Macro-F1 of a resample, from each case's cell of the confusion matrix read once: the same
     * figure {@link #macroF1(List)} gives the resampled list, without making the list.
     */
    private static Uncertainty.ResampleStatistic macroF1Of(List<ScoredCase> cases) {
        int[] cell = cases.stream().mapToInt(c -> c.truth().ordinal() * GROUPS.length + c.predicted().ordinal()).toArray();
        return resample -> {
            int[][] confusion = new int[GROUPS.length][GROUPS.length];
            for (int i : resample) {
                confusion[cell[i] / GROUPS.length][cell[i] % GROUPS.length]++;
            }
            double sum = 0;
            for (TreatmentGroup group : GROUPS) {
                sum += classFigures(confusion, group.ordinal()).f1();
            }
            return sum / GROUPS.length;
        };
    }

    /**
     * The ECE of a resample from each case's bin, top probability and correctness read once; sums in
     * the resample's order as {@link #reliability(List)} makes them, so the figure is the same.
     */
    private static Uncertainty.ResampleStatistic expectedCalibrationErrorOf(List<ScoredCase> cases) {
        int n = cases.size();
        int[] bin = new int[n];
        double[] top = new double[n];
        boolean[] right = new boolean[n];
        for (int i = 0; i < n; i++) {
            ScoredCase c = cases.get(i);
            top[i] = c.confidence();
            bin[i] = calibrationBin(top[i]);
            right[i] = c.truth() == c.predicted();
        }
        return resample -> {
            double[] confidence = new double[CALIBRATION_BINS];
            int[] correct = new int[CALIBRATION_BINS];
            int[] count = new int[CALIBRATION_BINS];
            for (int i : resample) {
                confidence[bin[i]] += top[i];
                correct[bin[i]] += right[i] ? 1 : 0;
                count[bin[i]]++;
            }
            double ece = 0;
            for (int b = 0; b < CALIBRATION_BINS; b++) {
                if (count[b] > 0) {
                    double meanConfidence = confidence[b] / count[b];
                    double accuracy = (double) correct[b] / count[b];
                    ece += (double) count[b] / resample.length * Math.abs(meanConfidence - accuracy);
                }
            }
            return ece;
        };
    }

    /** Macro-F1 of a confusion matrix (rows the diagnosis, columns the prediction, in group order). */
    public static double macroF1(int[][] confusion) {
        double sum = 0;
        for (TreatmentGroup group : GROUPS) {
            sum += classFigures(confusion, group.ordinal()).f1();
        }
        return sum / GROUPS.length;
    }

    /** Macro-F1 alone, without the rest of the report (its intervals take a bootstrap). */
    public static double macroF1(List<ScoredCase> cases) {
        int[][] confusion = new int[GROUPS.length][GROUPS.length];
        for (ScoredCase c : cases) {
            confusion[c.truth().ordinal()][c.predicted().ordinal()]++;
        }
        double sum = 0;
        for (TreatmentGroup group : GROUPS) {
            sum += classFigures(confusion, group.ordinal()).f1();
        }
        return sum / GROUPS.length;
    }

    private static ClinicalReport.ClassFigures classFigures(int[][] confusion, int c) {
        int truePositives = confusion[c][c];
        int predicted = 0;
        int actual = 0;
        for (int k = 0; k < confusion.length; k++) {
            predicted += confusion[k][c];
            actual += confusion[c][k];
        }
        double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
        double recall = actual == 0 ? 0 : (double) truePositives / actual;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClinicalReport.ClassFigures(precision, recall, f1, actual);
    }

    /**
     * Mann-Whitney: the chance a case of the group scores above one of the rest, ties counted half.
     * Counted by binary search in the sorted scores of the rest, n log n instead of a comparison per
     * pair (a year of a country's cases is 10^11 pairs); the sum is of whole and half counts, exact in
     * a double as the pairwise one was, so the figure is the same to the last bit.
     */
    static Double aucOneVsRest(List<ScoredCase> cases, TreatmentGroup group) {
        int c = group.ordinal();
        double[] positives = cases.stream().filter(s -> s.truth() == group).mapToDouble(s -> s.probabilities()[c]).toArray();
        double[] negatives = cases.stream().filter(s -> s.truth() != group).mapToDouble(s -> s.probabilities()[c]).toArray();
        if (positives.length == 0 || negatives.length == 0) {
            return null;
        }
        Arrays.sort(negatives);
        double wins = 0;
        for (double p : positives) {
            int below = firstAtOrAbove(negatives, p);
            int atOrBelow = firstAbove(negatives, p);
            wins += below + 0.5 * (atOrBelow - below);
        }
        return wins / ((double) positives.length * negatives.length);
    }

    /** The index of the first value not below {@code value} (the count of values below it). */
    private static int firstAtOrAbove(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The index of the first value above {@code value} (the count of values at or below it). */
    private static int firstAbove(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] <= value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Bins (k/15, (k+1)/15] of the top probability that hold cases: the points of a reliability diagram. */
    static List<ClinicalReport.ReliabilityBin> reliability(List<ScoredCase> cases) {
        double[] confidence = new double[CALIBRATION_BINS];
        int[] correct = new int[CALIBRATION_BINS];
        int[] count = new int[CALIBRATION_BINS];
        for (ScoredCase c : cases) {
            double top = c.confidence();
            int bin = calibrationBin(top);
            confidence[bin] += top;
            correct[bin] += c.truth() == c.predicted() ? 1 : 0;
            count[bin]++;
        }
        List<ClinicalReport.ReliabilityBin> bins = new ArrayList<>();
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            if (count[b] > 0) {
                bins.add(new ClinicalReport.ReliabilityBin((double) b / CALIBRATION_BINS, (double) (b + 1) / CALIBRATION_BINS, count[b],
                        confidence[b] / count[b], (double) correct[b] / count[b]));
            }
        }
        return bins;
    }

    /** Each bin weighs |confidence - accuracy| by its share of the cases. */
    static double expectedCalibrationError(List<ClinicalReport.ReliabilityBin> bins, int cases) {
        double ece = 0;
        for (ClinicalReport.ReliabilityBin bin : bins) {
            ece += (double) bin.cases() / cases * Math.abs(bin.meanConfidence() - bin.accuracy());
        }
        return ece;
    }

    /** The bin whose (lower, upper] edges hold the confidence; edges are k * (1/15), exactly as numpy's linspace. */
    private static int calibrationBin(double confidence) {
        double width = 1.0 / CALIBRATION_BINS;
        int bin = 0;
        while (bin < CALIBRATION_BINS - 1 && confidence > (bin + 1) * width) {
            bin++;
        }
        return bin;
    }

    static double brierScore(List<ScoredCase> cases) {
        double sum = 0;
        for (ScoredCase c : cases) {
            for (TreatmentGroup group : GROUPS) {
                double target = c.truth() == group ? 1 : 0;
                double difference = c.probabilities()[group.ordinal()] - target;
                sum += difference * difference;
            }
        }
        return sum / cases.size();
    }

    private static ClinicalReport.BethesdaV bethesdaV(List<ScoredCase> cases) {
        List<ScoredCase> v = cases.stream().filter(c -> c.diagnosis() == BethesdaCategory.V).toList();
        long indeterminate = v.stream().filter(c -> c.predicted() == TreatmentGroup.INDETERMINATE).count();
        long benign = v.stream().filter(c -> c.predicted() == TreatmentGroup.BENIGN).count();
        return new ClinicalReport.BethesdaV(v.size(), ratio(indeterminate, v.size()), ratio(benign, v.size()));
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
