package org.cytotriage.audit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every figure of {@link ClinicalMetrics} against values computed independently by scikit-learn and
 * numpy for the same cases ({@code metrics/make_reference_metrics.py}, output stored beside it).
 */
class ClinicalMetricsTest {

    /** Sums of a few hundred doubles in another order: agreement far below any figure's rounding. */
    private static final double TOLERANCE = 1e-12;
    /** Percentile bounds of two 2,000-resample bootstraps: their Monte Carlo error on these case counts. */
    private static final double BOOTSTRAP_TOLERANCE = 0.03;

    static Stream<JsonNode> scenarios() throws IOException {
        try (InputStream in = ClinicalMetricsTest.class.getResourceAsStream("/metrics/reference-metrics.json")) {
            List<JsonNode> scenarios = new ArrayList<>();
            new ObjectMapper().readTree(in).get("scenarios").forEach(scenarios::add);
            return scenarios.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void agreesWithScikitLearn(JsonNode scenario) {
        List<ScoredCase> cases = new ArrayList<>();
        scenario.get("cases").forEach(c -> cases.add(new ScoredCase(BethesdaCategory.parse(c.get("bethesda").asText()),
                new double[] {c.get("probabilities").get(0).asDouble(), c.get("probabilities").get(1).asDouble(),
                        c.get("probabilities").get(2).asDouble()}, c.get("flagged").asBoolean())));
        JsonNode expected = scenario.get("expected");

        ClinicalReport report = ClinicalMetrics.of(cases);

        assertThat(report.cases()).isEqualTo(cases.size());
        assertThat(report.accuracy()).isCloseTo(expected.get("accuracy").asDouble(), within(TOLERANCE));
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertThat(report.confusion()[t][p]).as("confusion[%d][%d]", t, p).isEqualTo(expected.get("confusion").get(t).get(p).asInt());
            }
        }
        for (TreatmentGroup group : TreatmentGroup.values()) {
            int c = group.ordinal();
            ClinicalReport.ClassFigures figures = report.perClass().get(group.name());
            assertThat(figures.precision()).as("precision %s", group).isCloseTo(expected.get("precision").get(c).asDouble(), within(TOLERANCE));
            assertThat(figures.recall()).as("recall %s", group).isCloseTo(expected.get("recall").get(c).asDouble(), within(TOLERANCE));
            assertThat(figures.f1()).as("f1 %s", group).isCloseTo(expected.get("f1").get(c).asDouble(), within(TOLERANCE));
            assertThat(figures.support()).isEqualTo(expected.get("support").get(c).asInt());
            assertNullableClose(report.aucOneVsRest().get(group.name()), expected.get("aucOneVsRest").get(c), "AUC " + group);
        }
        assertThat(report.macroF1()).isCloseTo(expected.get("macroF1").asDouble(), within(TOLERANCE));
        assertThat(report.expectedCalibrationError()).isCloseTo(expected.get("expectedCalibrationError").asDouble(), within(TOLERANCE));
        JsonNode accuracy = expected.get("reliabilityAccuracy");
        JsonNode confidence = expected.get("reliabilityConfidence");
        assertThat(report.reliability()).hasSize(accuracy.size());
        for (int b = 0; b < accuracy.size(); b++) {
            assertThat(report.reliability().get(b).accuracy()).as("bin %d accuracy", b).isCloseTo(accuracy.get(b).asDouble(), within(TOLERANCE));
            assertThat(report.reliability().get(b).meanConfidence()).as("bin %d confidence", b)
                    .isCloseTo(confidence.get(b).asDouble(), within(TOLERANCE));
        }
        assertThat(report.brierScore()).isCloseTo(expected.get("brierScore").asDouble(), within(TOLERANCE));
        assertNullableClose(report.bethesdaV().recall(), expected.get("bethesdaVRecall"), "Bethesda V recall");
        assertNullableClose(report.bethesdaV().calledBenign(), expected.get("bethesdaVCalledBenign"), "Bethesda V called benign");
        assertThat(report.flaggedForReviewShare()).isCloseTo(expected.get("flaggedShare").asDouble(), within(TOLERANCE));

        JsonNode intervals = expected.get("intervals");
        assertInterval(report.intervals().accuracy(), intervals.get("accuracy"), TOLERANCE, "agreement");
        for (TreatmentGroup group : TreatmentGroup.values()) {
            assertInterval(report.intervals().precision().get(group.name()), intervals.get("precision").get(group.ordinal()), TOLERANCE,
                    "precision " + group);
            assertInterval(report.intervals().recall().get(group.name()), intervals.get("recall").get(group.ordinal()), TOLERANCE,
                    "recall " + group);
        }
        assertInterval(report.intervals().bethesdaVRecall(), intervals.get("bethesdaVRecall"), TOLERANCE, "Bethesda V recall");
        // Two bootstraps with their own random streams agree to their Monte Carlo error, not exactly.
        assertInterval(report.intervals().macroF1(), intervals.get("macroF1"), BOOTSTRAP_TOLERANCE, "macro-F1");
        assertInterval(report.intervals().expectedCalibrationError(), intervals.get("expectedCalibrationError"), BOOTSTRAP_TOLERANCE, "ECE");
    }

    @org.junit.jupiter.api.Test
    void theSameCasesGiveTheSameBootstrapIntervalWhoeverAsks() throws IOException {
        JsonNode scenario = scenarios().findFirst().orElseThrow();
        List<ScoredCase> cases = new ArrayList<>();
        scenario.get("cases").forEach(c -> cases.add(new ScoredCase(BethesdaCategory.parse(c.get("bethesda").asText()),
                new double[] {c.get("probabilities").get(0).asDouble(), c.get("probabilities").get(1).asDouble(),
                        c.get("probabilities").get(2).asDouble()}, c.get("flagged").asBoolean())));
        assertThat(ClinicalMetrics.of(cases).intervals().macroF1()).isEqualTo(ClinicalMetrics.of(List.copyOf(cases)).intervals().macroF1());
    }

    @org.junit.jupiter.api.Test
    void aMonthOfFiftyCasesSaysHowWideItsAgreementIsAndWhatItCannotDetect() {
        String said = Uncertainty.detectable(50, 0.68);
        // Wilson for 34 of 50: 0.543-0.791; the detectable fall (1.96 + 0.84) * sqrt(0.68 * 0.32 / 50) = 0.185.
        assertThat(said).contains("50 cases", "54-79 %", "at least 18 points", "cannot be told from chance");
    }

    private static void assertInterval(ClinicalReport.Interval actual, JsonNode expected, double tolerance, String what) {
        if (expected.isNull()) {
            assertThat(actual).as(what).isNull();
            return;
        }
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.lower()).as("%s lower", what).isCloseTo(expected.get(0).asDouble(), within(tolerance));
        assertThat(actual.upper()).as("%s upper", what).isCloseTo(expected.get(1).asDouble(), within(tolerance));
    }

    @org.junit.jupiter.api.Test
    void noCasesGiveNoFiguresRatherThanZeros() {
        ClinicalReport report = ClinicalMetrics.of(List.of());
        assertThat(report.cases()).isZero();
        assertThat(report.accuracy()).isNull();
        assertThat(report.macroF1()).isNull();
        assertThat(report.expectedCalibrationError()).isNull();
        assertThat(report.bethesdaV().recall()).isNull();
    }

    private static void assertNullableClose(Double actual, JsonNode expected, String what) {
        if (expected.isNull()) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(actual).as(what).isNotNull().isCloseTo(expected.asDouble(), within(TOLERANCE));
        }
    }

    @org.junit.jupiter.api.Test
    void aucBySortingAndTheBootstrapOnArraysGiveThePairwiseAndListFiguresToTheLastBit() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        List<ScoredCase> cases = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            // Probabilities on a coarse grid: many ties, which both counts take as half a win.
            double a = random.nextInt(11) / 20.0;
            double b = random.nextInt(11) / 20.0 * (1 - a);
            cases.add(new ScoredCase(BethesdaCategory.values()[random.nextInt(BethesdaCategory.values().length)],
                    new double[] {a, b, 1 - a - b}, random.nextBoolean()));
        }
        ClinicalReport report = ClinicalMetrics.of(cases);
        for (TreatmentGroup group : TreatmentGroup.values()) {
            int c = group.ordinal();
            double wins = 0;
            long positives = cases.stream().filter(s -> s.truth() == group).count();
            for (ScoredCase p : cases) {
                for (ScoredCase q : cases) {
                    if (p.truth() == group && q.truth() != group) {
                        double x = p.probabilities()[c];
                        double y = q.probabilities()[c];
                        wins += x > y ? 1 : x == y ? 0.5 : 0;
                    }
                }
            }
            assertThat(report.aucOneVsRest().get(group.name())).as("AUC %s", group)
                    .isEqualTo(wins / ((double) positives * (cases.size() - positives)));
        }
        // The bootstrap as it was: a list of resampled cases, each statistic computed on the list.
        double[] macroF1 = listBootstrap(cases, ClinicalMetrics::macroF1);
        double[] ece = listBootstrap(cases, sample -> ClinicalMetrics.expectedCalibrationError(ClinicalMetrics.reliability(sample), sample.size()));
        assertThat(report.intervals().macroF1().lower()).isEqualTo(macroF1[0]);
        assertThat(report.intervals().macroF1().upper()).isEqualTo(macroF1[1]);
        assertThat(report.intervals().expectedCalibrationError().lower()).isEqualTo(ece[0]);
        assertThat(report.intervals().expectedCalibrationError().upper()).isEqualTo(ece[1]);
    }

    private static double[] listBootstrap(List<ScoredCase> cases, java.util.function.ToDoubleFunction<List<ScoredCase>> statistic) {
        int n = cases.size();
        java.util.SplittableRandom random = new java.util.SplittableRandom(Uncertainty.SEED);
        double[] values = new double[Uncertainty.RESAMPLES];
        for (int b = 0; b < values.length; b++) {
            List<ScoredCase> resample = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                resample.add(cases.get(random.nextInt(n)));
            }
            values[b] = statistic.applyAsDouble(resample);
        }
        java.util.Arrays.sort(values);
        return new double[] {interpolated(values, 0.025), interpolated(values, 0.975)};
    }

    private static double interpolated(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
