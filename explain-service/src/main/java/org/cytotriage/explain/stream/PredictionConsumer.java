package org.cytotriage.explain.stream;

import java.awt.image.BufferedImage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.explain.model.ExplainConfig;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.gradcam.OverlayRenderer;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.cytotriage.support.imagestore.ImageFetcher;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Explains every prediction for its predicted class from the activation maps it carries, draws the
 * overlay on the image and stores it beside the images. A prediction without maps, or whose image is
 * missing or undecodable, goes to the dead-letter topic with the reason. The prediction is
 * acknowledged only after the explanation, or the dead letter, was acknowledged by the broker.
 */
@ApplicationScoped
public class PredictionConsumer {

    private final ImageFetcher fetcher;
    private final ImageStore store;
    private final MutinyEmitter<ExplanationReady> explanations;
    private final KafkaTracing tracing;
    private final DeadLetterPublisher deadLetters;
    private final int overlayWidth;

    PredictionConsumer(ImageFetcher fetcher, ImageStore store,
            @Channel(Topics.EXPLANATIONS) MutinyEmitter<ExplanationReady> explanations,
            DeadLetterPublisher deadLetters, ExplainConfig config, KafkaTracing tracing) {
        this.fetcher = fetcher;
        this.store = store;
        this.explanations = explanations;
        this.deadLetters = deadLetters;
        this.overlayWidth = config.overlayWidth();
        this.tracing = tracing;
    }

    @Incoming(Topics.PREDICTIONS)
    @Blocking
    @Timed(value = "cytotriage.explain.prediction", description = "Explain one prediction, draw its overlay and publish it", histogram = true)
    public void onPrediction(ConsumerRecord<String, PredictionMade> record) {
        PredictionMade prediction = record.value();
        try (KafkaTracing.Processing traced = tracing.process("explain " + Topics.PREDICTIONS, record.headers(), prediction.getCaseId(),
                prediction.getImageId())) {
            explain(prediction);
        }
    }

    private void explain(PredictionMade prediction) {
        Heatmap heatmap;
        try {
            heatmap = ExplanationMapper.heatmap(prediction, prediction.getPredictedGroup());
        } catch (IllegalArgumentException e) {
            deadLetter(prediction, "the prediction's activation maps are malformed: " + e.getMessage(), e);
            return;
        }
        if (heatmap == null) {
            deadLetter(prediction, "the prediction carries no activation maps: model " + prediction.getModel().getName()
                    + " " + prediction.getModel().getVersion() + " exports none", null);
            return;
        }
        BufferedImage image;
        try {
            image = ImageDecoder.decode(fetcher.fetch(prediction.getImage().getKey()));
        } catch (ImageFetcher.MissingImageException | UndecodableImageException e) {
            deadLetter(prediction, "no overlay: " + e.getMessage(), e);
            return;
        }
        String caption = "Grad-CAM " + prediction.getPredictedGroup() + ", " + prediction.getModel().getName() + " "
                + prediction.getModel().getVersion();
        String overlayKey = store.put(OverlayRenderer.png(image, heatmap, caption, overlayWidth));
        explanations.sendMessageAndAwait(KafkaTracing.message(prediction.getCaseId(),
                ExplanationMapper.toEvent(prediction, heatmap, overlayKey)));
    }

    private void deadLetter(PredictionMade prediction, String reason, Throwable error) {
        DeadLetter letter = deadLetters.about(Topics.PREDICTIONS, reason, error)
                .setImageId(prediction.getImageId())
                .setCaseId(prediction.getCaseId())
                .setHospitalId(prediction.getHospitalId())
                .build();
        deadLetters.publish(letter);
    }
}
