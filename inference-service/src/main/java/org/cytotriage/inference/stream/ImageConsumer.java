package org.cytotriage.inference.stream;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Predicts every received image, a polled batch at a time. The batch's offsets are committed only
 * after each of its predictions, or dead letters, was acknowledged by the broker: at-least-once, and
 * a restart re-predicts at most the batches in flight. The live model is read once per batch, so a
 * hot swap never splits a batch between two models.
 */
@ApplicationScoped
public class ImageConsumer {

    private final LiveModel live;
    private final BatchPipeline pipeline;
    private final MutinyEmitter<Record<String, PredictionMade>> predictions;
    private final DeadLetterPublisher deadLetters;

    ImageConsumer(LiveModel live, BatchPipeline pipeline,
            @Channel(Topics.PREDICTIONS) MutinyEmitter<Record<String, PredictionMade>> predictions,
            DeadLetterPublisher deadLetters) {
        this.live = live;
        this.pipeline = pipeline;
        this.predictions = predictions;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    @Timed(value = "cytotriage.inference.batch", description = "Predict and publish one polled batch of images", histogram = true)
    public void onImages(List<ImageReceived> images) {
        List<BatchPipeline.Outcome> outcomes;
        try (LiveModel.Lease lease = live.acquire()) {
            outcomes = pipeline.process(images, lease.model());
        }
        List<Uni<Void>> sends = new ArrayList<>(images.size());
        for (BatchPipeline.Outcome outcome : outcomes) {
            if (outcome instanceof BatchPipeline.Predicted predicted) {
                sends.add(predictions.send(Record.of(predicted.image().getCaseId(),
                        PredictionMapper.toEvent(predicted.image(), predicted.prediction()))));
            } else if (outcome instanceof BatchPipeline.Rejected rejected) {
                deadLetters.publish(deadLetters.about(Topics.IMAGES, rejected.reason(), rejected.error())
                        .setImageId(rejected.image().getImageId())
                        .setCaseId(rejected.image().getCaseId())
                        .setHospitalId(rejected.image().getHospitalId())
                        .build());
            }
        }
        if (!sends.isEmpty()) {
            Uni.join().all(sends).andFailFast().await().indefinitely();
        }
    }
}
