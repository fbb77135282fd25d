package org.cytotriage.explain.stream;

import java.time.Instant;
import java.util.UUID;

import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.explain.gradcam.Heatmap;

/** Between events and the heatmap: the only place explain-service touches Avro types. */
final class ExplanationMapper {

    private ExplanationMapper() {
    }

    /** The predicted class's activation map, as floats; null when the prediction carries none. */
    static float[] predictedClassMap(PredictionMade prediction) {
        ActivationMaps maps = prediction.getActivationMaps();
        if (maps == null) {
            return null;
        }
        return FloatArrays.toArray(switch (prediction.getPredictedGroup()) {
            case BENIGN -> maps.getBenign();
            case INDETERMINATE -> maps.getIndeterminate();
            case MALIGNANT -> maps.getMalignant();
        });
    }

    static ExplanationReady toEvent(PredictionMade prediction, Heatmap heatmap) {
        return ExplanationReady.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPredictionEventId(prediction.getEventId())
                .setImageId(prediction.getImageId())
                .setCaseId(prediction.getCaseId())
                .setHospitalId(prediction.getHospitalId())
                .setExplainedAt(Instant.now())
                .setModel(prediction.getModel())
                .setExplainedGroup(prediction.getPredictedGroup())
                .setMethod("grad-cam")
                .setHeatmapRows(heatmap.rows())
                .setHeatmapCols(heatmap.cols())
                .setHeatmap(FloatArrays.toList(heatmap.values()))
                .build();
    }
}
