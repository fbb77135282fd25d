package org.cytotriage.explain.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TileActivationMaps;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.GradCam;
import org.cytotriage.model.gradcam.Heatmap;

/** Between events and heatmaps: the only place explain-service touches Avro types. */
final class ExplanationMapper {

    private ExplanationMapper() {
    }

    /** Grad-CAM of one class from the maps the prediction carries; null when it carries none. */
    static Heatmap heatmap(PredictionMade prediction, TreatmentGroup group) {
        ActivationMaps global = prediction.getActivationMaps();
        if (global == null) {
            return null;
        }
        TileActivationMaps tiles = prediction.getTileActivationMaps();
        List<float[]> viewMaps = new ArrayList<>();
        viewMaps.add(classMap(global, group));
        ModelCard.Views geometry = null;
        if (tiles != null) {
            tiles.getTiles().forEach(maps -> viewMaps.add(classMap(maps, group)));
            geometry = new ModelCard.Views(tiles.getCanvasWidth(), tiles.getCanvasHeight(), tiles.getTileSize(),
                    tiles.getRows(), tiles.getColumns());
        }
        return GradCam.ofViews(viewMaps.toArray(float[][]::new), global.getRows(), global.getCols(), geometry);
    }

    private static float[] classMap(ActivationMaps maps, TreatmentGroup group) {
        List<Float> values = switch (group) {
            case BENIGN -> maps.getBenign();
            case INDETERMINATE -> maps.getIndeterminate();
            case MALIGNANT -> maps.getMalignant();
        };
        return FloatArrays.toArray(values);
    }

    static ExplanationReady toEvent(PredictionMade prediction, Heatmap heatmap, String overlayKey) {
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
                .setOverlayKey(overlayKey)
                .build();
    }
}
