package org.cytotriage.inference.stream;

import java.time.Instant;
import java.util.UUID;

import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.inference.predict.Prediction;

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
                .setActivationMaps(prediction.activationMaps() == null ? null : ActivationMaps.newBuilder()
                        .setRows(prediction.mapRows())
                        .setCols(prediction.mapCols())
                        .setBenign(FloatArrays.toList(prediction.activationMaps()[0]))
                        .setIndeterminate(FloatArrays.toList(prediction.activationMaps()[1]))
                        .setMalignant(FloatArrays.toList(prediction.activationMaps()[2]))
                        .build())
                .build();
    }
}
