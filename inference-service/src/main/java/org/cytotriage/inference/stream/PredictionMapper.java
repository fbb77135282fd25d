package org.cytotriage.inference.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.Assessment;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.PredictionSet;
import org.cytotriage.events.v1.TileActivationMaps;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.inference.predict.Prediction;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;

/** Between the domain prediction and its event: the only place inference touches Avro types. */
final class PredictionMapper {

    private PredictionMapper() {
    }

    static PredictionMade toEvent(ImageReceived image, Prediction prediction) {
        double[] p = prediction.probabilities();
        return PredictionMade.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(image.getImageId())
                .setCaseId(image.getCaseId())
                .setHospitalId(image.getHospitalId())
                .setPredictedAt(Instant.now())
                .setImage(image.getImage())
                .setModel(ModelRef.newBuilder()
                        .setName(prediction.model().name())
                        .setVersion(prediction.model().version())
                        .setSha256(prediction.model().sha256())
                        .build())
                .setPredictedGroup(TreatmentGroup.valueOf(prediction.group().name()))
                .setProbabilities(new ClassProbabilities(p[0], p[1], p[2]))
                .setTemperature(prediction.temperature())
                .setFlaggedForReview(prediction.flaggedForReview())
                .setInferenceMillis(prediction.millis())
                .setActivationMaps(prediction.activationMaps() == null ? null : maps(prediction, 0))
                .setTileActivationMaps(tileMaps(prediction))
                .setAssessment(assessment(prediction.verdict()))
                .setPredictionSet(PredictionSet.newBuilder().setTargetCoverage(prediction.setCoverage())
                        .setGroups(prediction.predictionSet().stream().map(g -> TreatmentGroup.valueOf(g.name())).toList())
                        .build())
                .build();
    }

    private static Assessment assessment(Verdict verdict) {
        return Assessment.newBuilder()
                .setVerdict(verdict.assessable() ? AssessabilityVerdict.ASSESSABLE : AssessabilityVerdict.NOT_ASSESSABLE)
                .setReasons(List.copyOf(verdict.reasons()))
                .setOutOfDistribution(verdict.outOfDistribution())
                .setCoverage(verdict.measures().coverage())
                .setContrast(verdict.measures().contrast())
                .setFocus(verdict.measures().focus())
                .build();
    }

    /**
     * A multi-region model's tile maps: about 7 KB for Premium's 12 tiles, against running the model
     * again in explain-service (docs/benchmarks.md, Explain).
     */
    private static TileActivationMaps tileMaps(Prediction prediction) {
        ModelCard.Views views = prediction.model().preprocessing().views();
        if (prediction.activationMaps() == null || views == null) {
            return null;
        }
        List<ActivationMaps> tiles = new ArrayList<>(views.rows() * views.columns());
        for (int view = 1; view < prediction.activationMaps().length; view++) {
            tiles.add(maps(prediction, view));
        }
        return TileActivationMaps.newBuilder()
                .setCanvasWidth(views.canvasWidth())
                .setCanvasHeight(views.canvasHeight())
                .setTileSize(views.tile())
                .setRows(views.rows())
                .setColumns(views.columns())
                .setTiles(tiles)
                .build();
    }

    private static ActivationMaps maps(Prediction prediction, int view) {
        float[][] byClass = prediction.activationMaps()[view];
        return ActivationMaps.newBuilder()
                .setRows(prediction.mapRows())
                .setCols(prediction.mapCols())
                .setBenign(FloatArrays.toList(byClass[0]))
                .setIndeterminate(FloatArrays.toList(byClass[1]))
                .setMalignant(FloatArrays.toList(byClass[2]))
                .build();
    }
}
