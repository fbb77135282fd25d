package org.cytotriage.audit.casefile;

import java.util.stream.Collectors;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.Assessment;

import java.util.Comparator;
import java.util.List;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.DicomRef;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;

/** Between events, entities and the REST view: the only place audit's case file touches Avro types. */
final class CaseFileMapper {

    private CaseFileMapper() {
    }

    static ImageRecord toRecord(ImageReceived event) {
        ImageRecord record = new ImageRecord();
        record.imageId = event.getImageId();
        record.eventId = event.getEventId();
        record.caseId = event.getCaseId();
        record.hospitalId = event.getHospitalId();
        record.storeKey = event.getImage().getKey();
        record.sha256 = event.getImage().getSha256();
        record.mediaType = event.getImage().getMediaType();
        record.sizeBytes = event.getImage().getSizeBytes();
        record.width = event.getImage().getWidth();
        record.height = event.getImage().getHeight();
        record.originalFilename = event.getOriginalFileName();
        record.source = event.getSource();
        record.receivedAt = event.getReceivedAt();
        DicomRef dicom = event.getDicom();
        if (dicom != null) {
            record.studyInstanceUid = dicom.getStudyInstanceUid();
            record.seriesInstanceUid = dicom.getSeriesInstanceUid();
            record.sopInstanceUid = dicom.getSopInstanceUid();
            record.sopClassUid = dicom.getSopClassUid();
        }
        return record;
    }

    /** The image's ImageReceived as ingest published it, under a new event id: a re-drive ({@link Redrives}). */
    static ImageReceived toEvent(ImageRecord image, String eventId) {
        return ImageReceived.newBuilder()
                .setEventId(eventId)
                .setImageId(image.imageId)
                .setCaseId(image.caseId)
                .setHospitalId(image.hospitalId)
                .setReceivedAt(image.receivedAt)
                .setImage(ImageRef.newBuilder().setKey(image.storeKey).setSha256(image.sha256).setMediaType(image.mediaType)
                        .setSizeBytes(image.sizeBytes).setWidth(image.width).setHeight(image.height).build())
                .setOriginalFileName(image.originalFilename)
                .setSource(image.source)
                .setDicom(image.sopInstanceUid == null ? null : DicomRef.newBuilder().setStudyInstanceUid(image.studyInstanceUid)
                        .setSeriesInstanceUid(image.seriesInstanceUid).setSopInstanceUid(image.sopInstanceUid)
                        .setSopClassUid(image.sopClassUid).build())
                .build();
    }

    static PredictionRecord toRecord(PredictionMade event) {
        PredictionRecord record = new PredictionRecord();
        record.eventId = event.getEventId();
        record.imageId = event.getImageId();
        record.caseId = event.getCaseId();
        record.hospitalId = event.getHospitalId();
        record.modelName = event.getModel().getName();
        record.modelVersion = event.getModel().getVersion();
        record.modelSha256 = event.getModel().getSha256();
        Assessment assessment = event.getAssessment();
        boolean notAssessable = assessment != null && assessment.getVerdict() == AssessabilityVerdict.NOT_ASSESSABLE;
        // A NOT_ASSESSABLE image is given no treatment group; its probabilities stay as the model gave them.
        record.predictedGroup = notAssessable ? null : event.getPredictedGroup().name();
        if (assessment != null) {
            record.assessable = !notAssessable;
            record.assessmentReasons = String.join("\n", assessment.getReasons());
            record.outOfDistribution = assessment.getOutOfDistribution();
            record.stainCoverage = assessment.getCoverage();
            record.contrast = assessment.getContrast();
            record.focus = assessment.getFocus();
        }
        if (event.getPredictionSet() != null) {
            record.predictionSet = event.getPredictionSet().getGroups().stream().map(Enum::name).sorted(
                    Comparator.comparing(org.cytotriage.core.bethesda.TreatmentGroup::valueOf)).collect(Collectors.joining(","));
            record.setCoverage = event.getPredictionSet().getTargetCoverage();
        }
        record.pBenign = event.getProbabilities().getBenign();
        record.pIndeterminate = event.getProbabilities().getIndeterminate();
        record.pMalignant = event.getProbabilities().getMalignant();
        record.temperature = event.getTemperature();
        record.flaggedForReview = event.getFlaggedForReview();
        record.inferenceMs = event.getInferenceMillis();
        record.predictedAt = event.getPredictedAt();
        return record;
    }

    static ExplanationRecord toRecord(ExplanationReady event) {
        ExplanationRecord record = new ExplanationRecord();
        record.eventId = event.getEventId();
        record.predictionEventId = event.getPredictionEventId();
        record.imageId = event.getImageId();
        record.caseId = event.getCaseId();
        record.hospitalId = event.getHospitalId();
        record.modelName = event.getModel().getName();
        record.modelVersion = event.getModel().getVersion();
        record.modelSha256 = event.getModel().getSha256();
        record.explainedGroup = event.getExplainedGroup().name();
        record.method = event.getMethod();
        record.heatmapRows = event.getHeatmapRows();
        record.heatmapCols = event.getHeatmapCols();
        record.heatmap = FloatArrays.toArray(event.getHeatmap());
        record.overlayKey = event.getOverlayKey();
        record.explainedAt = event.getExplainedAt();
        return record;
    }

    static CaseView toView(CaseRecord found, List<ImageRecord> images, List<PredictionRecord> predictions,
            List<ExplanationRecord> explanations, List<DeadLetterRecord> openLetters) {
        return new CaseView(found.caseId, found.hospitalId, images.stream()
                .sorted(Comparator.comparing(image -> image.receivedAt))
                .map(image -> {
                    ExplanationRecord explanation = explanations.stream().filter(e -> e.imageId.equals(image.imageId))
                            .max(Comparator.comparing(e -> e.explainedAt)).orElse(null);
                    return new CaseView.Image(image.imageId, image.sha256, image.mediaType, image.width, image.height,
                            image.receivedAt, ImageResource.originalPath(image.imageId), image.traceId,
                            predictions.stream().filter(p -> p.imageId.equals(image.imageId))
                                    .max(Comparator.comparing(p -> p.predictedAt)).map(CaseFileMapper::toView).orElse(null),
                            explanation == null ? null : toView(explanation),
                            openLetters.stream().filter(l -> image.imageId.equals(l.imageId))
                                    .filter(l -> !l.isAnsweredBy(explanation == null ? null : explanation.recordedAt))
                                    .max(Comparator.comparing(l -> l.occurredAt)).map(CaseFileMapper::toView).orElse(null),
                            image.sopInstanceUid == null ? null : new CaseView.Dicom(image.studyInstanceUid, image.seriesInstanceUid,
                                    image.sopInstanceUid, image.sopClassUid));
                })
                .toList());
    }

    static CaseView.NotProcessed toView(DeadLetterRecord letter) {
        return new CaseView.NotProcessed(letter.service, letter.reason, letter.occurredAt, letter.eventId);
    }

    static CaseView.Prediction toView(PredictionRecord p) {
        return new CaseView.Prediction(new CaseView.Model(p.modelName, p.modelVersion, p.modelSha256), p.predictedGroup,
                new CaseView.Probabilities(p.pBenign, p.pIndeterminate, p.pMalignant), p.flaggedForReview, p.predictedAt, p.traceId,
                p.assessable == null ? null : new CaseView.Assessment(p.assessable,
                        p.assessmentReasons == null || p.assessmentReasons.isEmpty() ? List.of() : List.of(p.assessmentReasons.split("\n")),
                        p.outOfDistribution, p.stainCoverage, p.contrast, p.focus),
                p.predictionSet == null ? null : new CaseView.PredictionSet(p.setCoverage,
                        p.predictionSet.isEmpty() ? List.of() : List.of(p.predictionSet.split(","))));
    }

    private static CaseView.Explanation toView(ExplanationRecord e) {
        return new CaseView.Explanation(new CaseView.Model(e.modelName, e.modelVersion, e.modelSha256), e.explainedGroup,
                e.method, e.heatmapRows, e.heatmapCols, e.heatmap,
                e.overlayKey == null ? null : ImageResource.overlayPath(e.imageId), e.explainedAt, e.traceId);
    }
}
