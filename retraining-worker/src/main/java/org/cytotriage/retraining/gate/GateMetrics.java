package org.cytotriage.retraining.gate;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * The gate's figures over a set of scored images, and their paired bootstrap intervals. Definitions as
 * training/'s metrics.py and scikit-learn: macro-F1 over the three groups (zero division 0); Bethesda V
 * recall as the share of Bethesda V images not called Benign (the miss that matters for a suspicious
 * smear); expected calibration error of the top probability in 15 equal-width bins. GateMetricsTest
 * checks them against scikit-learn and numpy.
 */
public final class GateMetrics {

    static final int CALIBRATION_BINS = 15;

    private GateMetrics() {
    }

    /** A figure of one model over the images at {@code index}. */
    public interface Metric {
        double of(List<Scored> images, int[] index, boolean candidate);
    }

    /** The metric the plan names. */
    public static Metric named(String metric) {
        return switch (metric) {
            case "macroF1" -> GateMetrics::macroF1;
            case "bethesdaVRecall" -> GateMetrics::bethesdaVRecall;
            case "ece" -> GateMetrics::expectedCalibrationError;
            case "localisation" -> GateMetrics::localisation;
            default -> throw new IllegalArgumentException("the plan names an unknown metric " + metric);
        };
    }

    static double macroF1(List<Scored> images, int[] index, boolean candidate) {
        int groups = TreatmentGroup.values().length;
        int[][] confusion = new int[groups][groups];
        for (int i : index) {
            Scored s = images.get(i);
            confusion[s.truth().group().ordinal()][argmax(s.of(candidate))]++;
        }
        double sum = 0;
        for (int c = 0; c < groups; c++) {
            int predicted = 0;
            int actual = 0;
            for (int k = 0; k < groups; k++) {
                predicted += confusion[k][c];
                actual += confusion[c][k];
            }
            sum += predicted + actual == 0 ? 0 : 2.0 * confusion[c][c] / (predicted + actual);
        }
        return sum / groups;
    }

    static double bethesdaVRecall(List<Scored> images, int[] index, boolean candidate) {
        int cases = 0;
        int found = 0;
        for (int i : index) {
            Scored s = images.get(i);
            if (s.truth() == BethesdaCategory.V) {
                cases++;
                found += argmax(s.of(candidate)) != TreatmentGroup.BENIGN.ordinal() ? 1 : 0;
            }
        }
        return cases == 0 ? Double.NaN : found / (double) cases;
    }

    static double expectedCalibrationError(List<Scored> images, int[] index, boolean candidate) {
        double[] confidence = new double[CALIBRATION_BINS];
        double[] correct = new double[CALIBRATION_BINS];
        int[] count = new int[CALIBRATION_BINS];
        for (int i : index) {
            Scored s = images.get(i);
            double[] p = s.of(candidate);
            int best = argmax(p);
            // Bins (k/15, (k+1)/15], as numpy's digitize with right=True over linspace(0, 1, 16).
            int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) Math.ceil(p[best] * CALIBRATION_BINS) - 1));
            confidence[bin] += p[best];
            correct[bin] += best == s.truth().group().ordinal() ? 1 : 0;
            count[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            if (count[b] > 0) {
                ece += Math.abs(correct[b] - confidence[b]) / index.length;
            }
        }
        return ece;
    }

    /** Mean share of the true group's Grad-CAM on the lesion, over the images that have a lesion to point at. */
    static double localisation(List<Scored> images, int[] index, boolean candidate) {
        return Arrays.stream(index).mapToDouble(i -> images.get(i).onLesion(candidate)).filter(v -> !Double.isNaN(v)).average()
                .orElse(Double.NaN);
    }

    /** A figure's estimate on all images and its percentile bootstrap interval, resampling images with the same draws for both models. */
    public record Estimate(double candidate, double live, double estimate, double lower, double upper) {
    }

    public static Estimate estimate(List<Scored> images, Metric metric, boolean difference, ChangePlan.Bootstrap bootstrap) {
        int[] all = new int[images.size()];
        Arrays.setAll(all, i -> i);
        ToDoubleFunction<int[]> figure = index -> difference
                ? metric.of(images, index, true) - metric.of(images, index, false)
                : metric.of(images, index, true);
        double candidate = metric.of(images, all, true);
        double live = metric.of(images, all, false);
        double estimate = figure.applyAsDouble(all);
        SplittableRandom random = new SplittableRandom(bootstrap.seed());
        double[] draws = new double[bootstrap.resamples()];
        int kept = 0;
        for (int r = 0; r < draws.length; r++) {
            int[] index = new int[all.length];
            for (int i = 0; i < index.length; i++) {
                index[i] = random.nextInt(all.length);
            }
            double value = figure.applyAsDouble(index);
            if (!Double.isNaN(value)) {
                draws[kept++] = value;
            }
        }
        if (kept == 0) {
            return new Estimate(candidate, live, estimate, Double.NaN, Double.NaN);
        }
        double[] sorted = Arrays.copyOf(draws, kept);
        Arrays.sort(sorted);
        double alpha = (1 - bootstrap.confidence()) / 2;
        return new Estimate(candidate, live, estimate, percentile(sorted, alpha), percentile(sorted, 1 - alpha));
    }

    /** Linear interpolation between order statistics, as numpy's default percentile. */
    static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
