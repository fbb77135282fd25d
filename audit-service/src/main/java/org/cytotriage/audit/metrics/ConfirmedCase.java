package org.cytotriage.audit.metrics;

import java.time.Instant;

import org.cytotriage.core.bethesda.BethesdaCategory;

/** A case with both a prediction (averaged over its images) and a final diagnosis (its latest version). */
public record ConfirmedCase(String caseId, String hospitalId, String modelName, String modelVersion, Instant predictedAt,
        ScoredCase scored, int diagnosisVersion) {

    public BethesdaCategory diagnosis() {
        return scored.diagnosis();
    }

    public boolean agrees() {
        return scored.predicted() == scored.truth();
    }
}
