package org.cytotriage.inference.stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.predict.Classifier;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Predicts every received image. The incoming record is acknowledged (and its offset committed)
 * only after the prediction, or the dead letter, was acknowledged by the broker: at-least-once.
 */
@ApplicationScoped
public class ImageConsumer {

    private final ImageStore store;
    private final Classifier classifier;
    private final MutinyEmitter<Record<String, PredictionMade>> predictions;
    private final DeadLetterPublisher deadLetters;

    ImageConsumer(ImageStore store, Classifier classifier,
            @Channel(Topics.PREDICTIONS) MutinyEmitter<Record<String, PredictionMade>> predictions,
            DeadLetterPublisher deadLetters) {
        this.store = store;
        this.classifier = classifier;
        this.predictions = predictions;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    @Timed(value = "cytotriage.inference.image", description = "Fetch, decode, preprocess, infer and publish one image", histogram = true)
    public void onImage(ImageReceived image) {
        byte[] bytes = store.get(image.getImage().getKey()).orElse(null);
        if (bytes == null) {
            deadLetter(image, "image " + image.getImage().getKey() + " is not in the image store", null);
            return;
        }
        try {
            PredictionMade prediction = PredictionMapper.toEvent(image, classifier.predict(bytes));
            predictions.sendAndAwait(Record.of(image.getCaseId(), prediction));
        } catch (UndecodableImageException e) {
            deadLetter(image, e.getMessage(), e);
        }
    }

    private void deadLetter(ImageReceived image, String reason, Throwable error) {
        deadLetters.publish(deadLetters.about(Topics.IMAGES, reason, error)
                .setImageId(image.getImageId())
                .setCaseId(image.getCaseId())
                .setHospitalId(image.getHospitalId())
                .build());
    }
}
