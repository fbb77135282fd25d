package org.cytotriage.audit.change;

import java.util.List;

import org.cytotriage.audit.metrics.ClinicalReport;
import org.cytotriage.audit.paging.Page;

/**
 * A candidate in shadow against the live model, on the images both predicted (the caller's
 * hospitals): how often they agree, every disagreement with both predictions, and on the cases
 * confirmed meanwhile the figures of both. Shadow predictions are never results. NOT FOR CLINICAL
 * USE with the demo models.
 *
 * @param compared images with both a live prediction and this candidate's shadow prediction
 * @param agreement the share of them whose group (or "not assessable") is the same; null when none
 * @param liveVersions the live versions the candidate was compared with
 */
public record ShadowComparison(String model, String candidateVersion, String scope, int compared, int agreed, Double agreement,
        List<String> liveVersions, Page<Disagreement> disagreements, Confirmed confirmed) {

    /** One image the two models disagree on. */
    public record Disagreement(String imageId, String caseId, String hospitalId, Prediction live, Prediction shadow) {
    }

    /** A prediction: its group (null when not assessed) and calibrated probabilities. */
    public record Prediction(String version, String group, boolean assessable, double benign, double indeterminate, double malignant) {
    }

    /**
     * The cases confirmed (a final diagnosis on record) among those compared, on their images both
     * models assessed, each case's prediction the mean of those images' probabilities.
     */
    public record Confirmed(int cases, Figures live, Figures shadow) {
    }

    /** Macro-F1 and Bethesda V recall (the share of Bethesda V cases predicted Indeterminate), each with its 95 % interval. */
    public record Figures(Double macroF1, ClinicalReport.Interval macroF1Interval, int bethesdaVCases, Double bethesdaVRecall,
            ClinicalReport.Interval bethesdaVRecallInterval) {
    }
}
