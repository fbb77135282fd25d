package org.cytotriage.audit.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cytotriage.core.bethesda.TreatmentGroup;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a model card says the model does on its own site's test set: the predicted class mix, the
 * distribution of its top probability over the card's confidence bins, and macro-F1.
 *
 * @param confidenceEdges bin edges, bins (low, high], the first closed below
 * @param assessedShare share of the test set's images the model assesses; null on cards made before the gate
 * @param meanOutOfDistribution the test set's mean out-of-distribution score; null on cards made before the gate
 * @param trainingMeasures per image measure, {mean, sd} of its logarithm on the training images; empty before the gate
 */
public record DriftReference(double[] predictedMix, double[] confidenceEdges, double[] confidenceShares, double macroF1,
        int cases, Double assessedShare, Double meanOutOfDistribution, Map<String, double[]> trainingMeasures) {

    /** The site the model was trained at: its test set is the reference. */
    static final String REFERENCE_SITE = "siteA";

    /** Null when the card has no prediction distribution (cards made before training wrote one). */
    static DriftReference from(JsonNode card) {
        JsonNode site = card.path("metrics").path(REFERENCE_SITE);
        JsonNode distribution = site.path("predictionDistribution");
        if (distribution.isMissingNode()) {
            return null;
        }
        double[] mix = List.of(TreatmentGroup.values()).stream()
                .mapToDouble(group -> distribution.path("predictedMix").path(group.name()).asDouble()).toArray();
        return new DriftReference(mix, doubles(distribution.path("confidenceEdges")), doubles(distribution.path("confidenceShares")),
                site.path("macroF1").asDouble(), site.path("cases").asInt(), nullable(site.path("assessability").path("assessed")),
                nullable(site.path("assessability").path("meanOutOfDistribution")), trainingMeasures(card));
    }

    /** Per image measure (COVERAGE, CONTRAST, FOCUS, CHROMA), the mean and standard deviation of its logarithm on the training images. */
    private static Map<String, double[]> trainingMeasures(JsonNode card) {
        Map<String, double[]> measures = new LinkedHashMap<>();
        card.path("assessability").path("trainingMeasures").fields().forEachRemaining(measure -> measures.put(measure.getKey(),
                new double[] {measure.getValue().path("logMean").asDouble(), measure.getValue().path("logSd").asDouble()}));
        return measures;
    }

    private static Double nullable(JsonNode number) {
        return number.isNumber() ? number.asDouble() : null;
    }

    /** The bin of a confidence, edges as in training (low, high]. */
    public int confidenceBin(double confidence) {
        int bin = 0;
        while (bin < confidenceShares.length - 1 && confidence > confidenceEdges[bin + 1]) {
            bin++;
        }
        return bin;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
