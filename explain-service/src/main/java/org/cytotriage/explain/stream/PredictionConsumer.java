package org.cytotriage.explain.stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.explain.gradcam.GradCam;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Explains every prediction for its predicted class. The prediction is acknowledged only after the
 * explanation, or the dead letter, was acknowledged by the broker.
 */
@ApplicationScoped
public class PredictionConsumer {

    private final MutinyEmitter<Record<String, ExplanationReady>> explanations;
    private final DeadLetterPublisher deadLetters;

    PredictionConsumer(@Channel(Topics.EXPLANATIONS) MutinyEmitter<Record<String, ExplanationReady>> explanations,
            DeadLetterPublisher deadLetters) {
        this.explanations = explanations;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.PREDICTIONS)
    @Blocking
    @Timed(value = "cytotriage.explain.prediction", description = "Explain one prediction and publish it", histogram = true)
    public void onPrediction(PredictionMade prediction) {
        float[] map = ExplanationMapper.predictedClassMap(prediction);
        if (map == null) {
            deadLetters.publish(deadLetters.about(Topics.PREDICTIONS, "the prediction carries no activation maps: model "
                    + prediction.getModel().getName() + " " + prediction.getModel().getVersion() + " exports none", null)
                    .setImageId(prediction.getImageId())
                    .setCaseId(prediction.getCaseId())
                    .setHospitalId(prediction.getHospitalId())
                    .build());
            return;
        }
        var heatmap = GradCam.fromActivationMap(prediction.getActivationMaps().getRows(), prediction.getActivationMaps().getCols(), map);
        explanations.sendAndAwait(Record.of(prediction.getCaseId(), ExplanationMapper.toEvent(prediction, heatmap)));
    }
}
