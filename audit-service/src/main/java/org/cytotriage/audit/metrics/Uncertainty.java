package org.cytotriage.audit.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * 95 % intervals for the audit's figures: Wilson's score interval for a proportion (agreement,
 * precision, recall, Bethesda V recall) and a seeded percentile bootstrap over the cases for the
 * figures that are no proportion (macro-F1, ECE). A month's audit rests on at most 50 cases: its
 * agreement is known to about +-13 points, and the report should say so. Checked against
 * statsmodels' {@code proportion_confint(method="wilson")} and scipy's {@code bootstrap}
 * ({@code metrics/make_reference_metrics.py}).
 */
public final class Uncertainty {

    /** z for a two-sided 95 % interval. */
    static final double Z = 1.959963984540054;
    /** z for 80 % power, one-sided. */
    static final double Z_POWER = 0.8416212335729143;
    static final int RESAMPLES = 2000;
    /** Fixed, so the same cases give the same interval whoever asks (the cases come in a fixed order). */
    static final long SEED = 20250101L;

    private Uncertainty() {
    }

    /** Wilson's score interval of successes out of n; null when n is 0. */
    public static ClinicalReport.Interval wilson(long successes, long n) {
        if (n == 0) {
            return null;
        }
        double p = (double) successes / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new ClinicalReport.Interval(Math.max(0, centre - half), Math.min(1, centre + half), (int) n, "Wilson score, 95 %");
    }

    /** A figure computed from a resample, given as the indices of the cases drawn, in the order drawn. */
    @FunctionalInterface
    public interface ResampleStatistic {
        double of(int[] resample);
    }

    /**
     * The 2.5th and 97.5th percentiles of the statistic over {@value #RESAMPLES} resamples of the n
     * cases with replacement (numpy's linear interpolation between order statistics); null without
     * cases. The statistic reads the cases by index from arrays it made once: a resample is n indices,
     * not a list of n cases, so a country's year (10^5 cases) costs what 10^5 draws cost.
     */
    public static ClinicalReport.Interval bootstrap(int n, ResampleStatistic statistic) {
        if (n == 0) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] values = new double[RESAMPLES];
        int[] resample = new int[n];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < n; i++) {
                resample[i] = random.nextInt(n);
            }
            values[b] = statistic.of(resample);
        }
        Arrays.sort(values);
        return new ClinicalReport.Interval(percentile(values, 0.025), percentile(values, 0.975), n,
                "percentile bootstrap, " + RESAMPLES + " resamples, seed " + SEED + ", 95 %");
    }

    private static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    /**
     * What a sample of n cases can and cannot show about agreement observed at p: the interval's
     * half-width, and the smallest fall from p that a one-sample test at the 5 % level detects with
     * 80 % power (a normal approximation: (z_0.975 + z_0.8) sqrt(p (1 - p) / n)).
     */
    public static String detectable(int n, Double agreement) {
        if (n == 0 || agreement == null) {
            return "No confirmed cases: nothing can be said about agreement.";
        }
        ClinicalReport.Interval interval = wilson(Math.round(agreement * n), n);
        double fall = (Z + Z_POWER) * Math.sqrt(Math.max(agreement * (1 - agreement), 0.25 / n) / n);
        return String.format(java.util.Locale.ROOT, "%d cases: agreement %.0f %% lies in %.0f-%.0f %% (95 %%). Only a fall of "
                + "at least %.0f points from %.0f %% would be detected (5 %% level, 80 %% power); smaller changes, and any "
                + "figure resting on a handful of cases (a group's recall, Bethesda V), cannot be told from chance here.",
                n, 100 * agreement, 100 * interval.lower(), 100 * interval.upper(), 100 * fall, 100 * agreement);
    }
}
