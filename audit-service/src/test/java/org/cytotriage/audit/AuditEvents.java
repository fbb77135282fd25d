package org.cytotriage.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cytotriage.events.v1.BethesdaCategory;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;

/** Events as the other services publish them, for audit's tests. */
public final class AuditEvents {

    public static final ModelRef MODEL = ModelRef.newBuilder().setName("thyroideffi-basic").setVersion("9.9.9")
            .setSha256("c".repeat(64)).build();

    private AuditEvents() {
    }

    public static ImageRef imageRef(String key) {
        return ImageRef.newBuilder().setKey(key).setSha256("ab".repeat(32)).setMediaType("image/jpeg").setSizeBytes(1234)
                .setWidth(1024).setHeight(768).build();
    }

    public static ImageReceived image(String caseId, String hospitalId, String imageId, String imageKey, Instant receivedAt) {
        return ImageReceived.newBuilder().setEventId(UUID.randomUUID().toString()).setImageId(imageId).setCaseId(caseId)
                .setHospitalId(hospitalId).setReceivedAt(receivedAt).setImage(imageRef(imageKey)).setSource("test").build();
    }

    /** A prediction with these probabilities (benign, indeterminate, malignant); the group is their argmax. */
    public static PredictionMade prediction(String caseId, String hospitalId, String imageId, ModelRef model, Instant predictedAt,
            double benign, double indeterminate, double malignant, boolean flagged) {
        TreatmentGroup group = benign >= indeterminate && benign >= malignant ? TreatmentGroup.BENIGN
                : indeterminate >= malignant ? TreatmentGroup.INDETERMINATE : TreatmentGroup.MALIGNANT;
        return PredictionMade.newBuilder().setEventId(UUID.randomUUID().toString()).setImageId(imageId).setCaseId(caseId)
                .setHospitalId(hospitalId).setPredictedAt(predictedAt).setImage(imageRef("sha256/ab/" + imageId)).setModel(model)
                .setPredictedGroup(group).setProbabilities(new ClassProbabilities(benign, indeterminate, malignant))
                .setTemperature(1.3).setFlaggedForReview(flagged).setInferenceMillis(11.0).build();
    }

    /** A Grad-CAM explanation of the prediction's group, 7x7, peaking at cell 30; no overlay drawn. */
    public static ExplanationReady explanation(PredictionMade prediction) {
        List<Float> heatmap = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            heatmap.add(i == 30 ? 1f : 0.1f);
        }
        return ExplanationReady.newBuilder().setEventId(UUID.randomUUID().toString()).setPredictionEventId(prediction.getEventId())
                .setImageId(prediction.getImageId()).setCaseId(prediction.getCaseId()).setHospitalId(prediction.getHospitalId())
                .setExplainedAt(Instant.now()).setModel(prediction.getModel()).setExplainedGroup(prediction.getPredictedGroup())
                .setMethod("grad-cam").setHeatmapRows(7).setHeatmapCols(7).setHeatmap(heatmap).build();
    }

    public static DiagnosisRecorded diagnosis(String caseId, String hospitalId, String category, int version, Instant recordedAt) {
        org.cytotriage.core.bethesda.BethesdaCategory parsed = org.cytotriage.core.bethesda.BethesdaCategory.parse(category);
        return DiagnosisRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setCaseId(caseId).setHospitalId(hospitalId)
                .setRecordedAt(recordedAt).setBethesdaCategory(BethesdaCategory.valueOf(parsed.name()))
                .setGroup(TreatmentGroup.valueOf(parsed.group().name())).setVersion(version).setRecordedBy("dr-lis")
                .build();
    }
}
