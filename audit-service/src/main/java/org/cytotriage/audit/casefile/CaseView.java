package org.cytotriage.audit.casefile;

import java.time.Instant;
import java.util.List;

/** A case as the workstation shows it: each image with its latest prediction and explanation. */
public record CaseView(String caseId, String hospitalId, List<Image> images) {

    /**
     * {@code originalUrl}: the image as received, a path on this service; {@code traceId}: the W3C
     * trace its upload started, which its prediction and explanation continue; {@code notProcessed}:
     * why a service gave up on the image, while no re-drive or later explanation answered it;
     * {@code dicom}: the PACS instance it came as (STOW-RS), null for other sources.
     */
    public record Image(String imageId, String sha256, String mediaType, int width, int height, Instant receivedAt,
            String originalUrl, String traceId, Prediction prediction, Explanation explanation, NotProcessed notProcessed, Dicom dicom) {
    }

    /** Where an image that came by DICOMweb lives in the hospital's PACS. */
    public record Dicom(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String sopClassUid) {
    }

    /** The dead letter that stopped an image: which service, why, when. */
    public record NotProcessed(String service, String reason, Instant at, String deadLetterId) {
    }

    public record Model(String name, String version, String sha256) {
    }

    public record Probabilities(double benign, double indeterminate, double malignant) {
    }

    /**
     * {@code group} is null when the model did not assess the image ({@code assessment.assessable}
     * false): the probabilities are then the model's output on an image it must not answer for, not
     * a result. {@code assessment} and {@code predictionSet} are null on predictions made before the
     * assessability gate.
     */
    public record Prediction(Model model, String group, Probabilities probabilities, boolean flaggedForReview, Instant predictedAt,
            String traceId, Assessment assessment, PredictionSet predictionSet) {
    }

    /** The verdict, its reasons, and the measures behind it. */
    public record Assessment(boolean assessable, List<String> reasons, Double outOfDistribution, Double stainCoverage,
            Double contrast, Double focus) {
    }

    /** The conformal set: every group plausible at this target coverage. */
    public record PredictionSet(Double targetCoverage, List<String> groups) {
    }

    /**
     * {@code heatmap} is row-major, {@code rows x cols}, scaled to 0..1, stretched over the whole
     * image; {@code overlayUrl} is the heatmap drawn on the image (a PNG), null when none was drawn.
     */
    public record Explanation(Model model, String group, String method, int rows, int cols, float[] heatmap,
            String overlayUrl, Instant explainedAt, String traceId) {
    }
}
