package org.cytotriage.audit.drift;

import java.time.Instant;
import java.util.List;

/**
 * A live model's recent behaviour against its card. A figure is null when there is not enough to
 * judge it (too few predictions or confirmed cases in the window, or no reference in the card),
 * and {@code notes} say which.
 */
public record DriftReport(String model, String version, Instant liveSince, Instant windowFrom, Instant windowTo,
        int predictions, double[] predictedMix, double[] referenceMix, Double classMixPsi,
        double[] confidenceShares, double[] referenceConfidenceShares, Double confidencePsi,
        int confirmedCases, Double macroF1, Double referenceMacroF1,
        boolean classMixDrifted, boolean confidenceDrifted, boolean performanceDropped, List<String> notes) {
}
