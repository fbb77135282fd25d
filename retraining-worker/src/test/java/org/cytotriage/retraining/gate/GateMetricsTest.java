package org.cytotriage.retraining.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The gate's figures against scikit-learn and numpy on the same 60 images (gate-metrics-reference.json). */
class GateMetricsTest {

    private static final ChangePlan.Bootstrap BOOTSTRAP = new ChangePlan.Bootstrap(1000, 20250101, 0.95);

    @Test
    void macroF1BethesdaVRecallAndCalibrationErrorAgreeWithScikitLearnAndNumpy() throws IOException {
        JsonNode reference = reference();
        List<Scored> images = images(reference);
        int[] all = all(images.size());
        for (boolean candidate : new boolean[] {false, true}) {
            JsonNode expected = reference.get(candidate ? "candidate" : "live");
            assertThat(GateMetrics.macroF1(images, all, candidate)).isCloseTo(expected.get("macroF1").asDouble(), within(1e-12));
            assertThat(GateMetrics.bethesdaVRecall(images, all, candidate)).isCloseTo(expected.get("bethesdaVRecall").asDouble(), within(1e-12));
            assertThat(GateMetrics.expectedCalibrationError(images, all, candidate)).isCloseTo(expected.get("ece").asDouble(), within(1e-12));
        }
    }

    @Test
    void aDifferencesIntervalHoldsItsEstimateAndIsTheSameForTheSameSeed() throws IOException {
        List<Scored> images = images(reference());
        GateMetrics.Estimate first = GateMetrics.estimate(images, GateMetrics.named("macroF1"), true, BOOTSTRAP);
        GateMetrics.Estimate again = GateMetrics.estimate(images, GateMetrics.named("macroF1"), true, BOOTSTRAP);

        assertThat(first.estimate()).isCloseTo(first.candidate() - first.live(), within(1e-12));
        assertThat(first.lower()).isLessThan(first.estimate());
        assertThat(first.upper()).isGreaterThan(first.estimate());
        assertThat(again).isEqualTo(first);
    }

    @Test
    void identicalModelsDifferByNothingInEveryResample() throws IOException {
        List<Scored> images = images(reference()).stream()
                .map(s -> new Scored(s.truth(), s.live(), s.live(), Double.NaN, Double.NaN)).toList();
        GateMetrics.Estimate e = GateMetrics.estimate(images, GateMetrics.named("macroF1"), true, BOOTSTRAP);

        assertThat(e.estimate()).isZero();
        assertThat(e.lower()).isZero();
        assertThat(e.upper()).isZero();
    }

    @Test
    void aPercentileInterpolatesBetweenOrderStatisticsAsNumpyDoes() {
        double[] sorted = {1, 2, 3, 4, 10};
        // numpy.percentile([1, 2, 3, 4, 10], [2.5, 50, 97.5]) = [1.1, 3.0, 9.4]
        assertThat(GateMetrics.percentile(sorted, 0.025)).isCloseTo(1.1, within(1e-12));
        assertThat(GateMetrics.percentile(sorted, 0.5)).isCloseTo(3.0, within(1e-12));
        assertThat(GateMetrics.percentile(sorted, 0.975)).isCloseTo(9.4, within(1e-12));
    }

    @Test
    void aPlanCriterionIsJudgedByThePartOfTheEstimateItNames() {
        ChangePlan.Criterion nonInferior = new ChangePlan.Criterion("f1", "macroF1", "reference", "difference", "lower-at-least", -0.03);
        ChangePlan.Criterion bounded = new ChangePlan.Criterion("ece", "ece", "held-out", "candidate", "estimate-at-most", 0.10);
        ChangePlan.Criterion notShownLower = new ChangePlan.Criterion("V", "bethesdaVRecall", "reference+held-out", "difference",
                "upper-at-least", 0.0);

        assertThat(nonInferior.passes(0.01, -0.02, 0.04)).isTrue();
        assertThat(nonInferior.passes(0.01, -0.04, 0.06)).as("the estimate is better, but the interval reaches past the margin").isFalse();
        assertThat(bounded.passes(0.09, 0.05, 0.15)).isTrue();
        assertThat(bounded.passes(0.11, 0.05, 0.15)).isFalse();
        assertThat(notShownLower.passes(-0.01, -0.04, 0.0)).as("one case fewer: within what resampling gives").isTrue();
        assertThat(notShownLower.passes(-0.05, -0.09, -0.01)).as("lower in 97.5 % of the resamples").isFalse();
    }

    private static List<Scored> images(JsonNode reference) {
        List<Scored> images = new ArrayList<>();
        for (JsonNode c : reference.get("cases")) {
            images.add(new Scored(BethesdaCategory.valueOf(c.get("bethesda").asText()), doubles(c.get("live")), doubles(c.get("candidate")),
                    Double.NaN, Double.NaN));
        }
        return images;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static int[] all(int n) {
        int[] index = new int[n];
        Arrays.setAll(index, i -> i);
        return index;
    }

    private static JsonNode reference() throws IOException {
        try (InputStream in = GateMetricsTest.class.getResourceAsStream("/gate-metrics-reference.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
