package org.cytotriage.audit.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The label-free estimate's arithmetic and the week a prediction falls in. */
class ShiftMonitorTest {

    /** On a confusion matrix of counts the estimate's F1 is scikit-learn's macro-F1 (metrics/reference-metrics.json). */
    @Test
    void theMacroF1OfACountMatrixIsScikitLearns() throws IOException {
        try (InputStream in = ShiftMonitorTest.class.getResourceAsStream("/metrics/reference-metrics.json")) {
            for (JsonNode scenario : new ObjectMapper().readTree(in).get("scenarios")) {
                JsonNode counts = scenario.at("/expected/confusion");
                double[][] confusion = new double[3][3];
                for (int t = 0; t < 3; t++) {
                    for (int p = 0; p < 3; p++) {
                        confusion[t][p] = counts.get(t).get(p).asDouble();
                    }
                }
                assertThat(ShiftMonitor.macroF1(confusion)).as(scenario.get("name").asText())
                        .isCloseTo(scenario.at("/expected/macroF1").asDouble(), within(1e-12));
            }
        }
    }

    /**
     * Calibrated probabilities that are right on average give their own expected confusion: a model
     * that says 0.8 for its predicted group and 0.1 for each other, on 10 images a group, expects 8
     * right of each 10, so precision = recall = F1 = 0.8.
     */
    @Test
    void probabilitiesThatAreRightOnAverageEstimateTheirOwnMacroF1() {
        double[][] expected = {{8, 1, 1}, {1, 8, 1}, {1, 1, 8}};
        assertThat(ShiftMonitor.macroF1(expected)).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void aWeekStartsOnMondayAtMidnightUtcAsPostgresTruncatesIt() {
        assertThat(ShiftResource.weekStart(Instant.parse("2026-12-06T23:59:59Z"))).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(ShiftResource.weekStart(Instant.parse("2026-12-07T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
    }
}
