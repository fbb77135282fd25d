package org.cytotriage.explain.stream;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.explain.model.ExplainConfig;
import org.cytotriage.explain.model.ModelCatalog;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.gradcam.OverlayRenderer;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.failure.UnprocessableRecordException;
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
 * missing or undecodable, is unprocessable: the channel's failure policy makes it a dead letter with
 * the reason (support.failure.DeadLetterOnFailure). The prediction is acknowledged only after the
 * explanation, or the dead letter, was acknowledged by the broker.
 */
@ApplicationScoped
public class PredictionConsumer {

    private final ImageFetcher fetcher;
    private final ImageStore store;
    private final MutinyEmitter<ExplanationReady> explanations;
    private final KafkaTracing tracing;
    private final int overlayWidth;
    private final ModelCatalog catalog;
    private final Duration unknownModelPatience;

    PredictionConsumer(ImageFetcher fetcher, ImageStore store,
            @Channel(Topics.EXPLANATIONS) MutinyEmitter<ExplanationReady> explanations,
            ExplainConfig config, ModelCatalog catalog, KafkaTracing tracing) {
        this.fetcher = fetcher;
        this.store = store;
        this.explanations = explanations;
        this.overlayWidth = config.overlayWidth();
        this.catalog = catalog;
        this.unknownModelPatience = config.unknownModelPatience();
        this.tracing = tracing;
    }

    @Incoming(Topics.PREDICTIONS)
    @Blocking
    @Timed(value = "cytotriage.explain.prediction", description = "Explain one prediction, draw its overlay and publish it", histogram = true)
    public void onPrediction(ConsumerRecord<String, PredictionMade> record) {
        PredictionMade prediction = IncomingRecords.payload(record, PredictionMade.class);
        try (KafkaTracing.Processing traced = tracing.process("explain " + Topics.PREDICTIONS, record.headers(), prediction.getCaseId(),
                prediction.getImageId())) {
            explain(prediction);
        }
    }

    private void explain(PredictionMade prediction) {
        if (notAssessable(prediction)) {
            // The model gave no treatment group: a heatmap of one would explain an answer never given.
            return;
        }
        requirePublished(prediction.getModel());
        Heatmap heatmap;
        try {
            heatmap = ExplanationMapper.heatmap(prediction, prediction.getPredictedGroup());
        } catch (IllegalArgumentException e) {
            throw new UnprocessableRecordException("the prediction's activation maps are malformed: " + e.getMessage(), e);
        }
        if (heatmap == null) {
            throw new UnprocessableRecordException("the prediction carries no activation maps: model "
                    + prediction.getModel().getName() + " " + prediction.getModel().getVersion() + " exports none");
        }
        BufferedImage image;
        try {
            image = ImageDecoder.decode(fetcher.fetch(prediction.getImage().getKey()));
        } catch (ImageFetcher.MissingImageException | UndecodableImageException | IllegalArgumentException e) {
            // IllegalArgumentException: a key that is not an image store key at all (forged, or a path).
            throw new UnprocessableRecordException("no overlay: " + e.getMessage(), e);
        }
        String caption = "Grad-CAM " + prediction.getPredictedGroup() + ", " + prediction.getModel().getName() + " "
                + prediction.getModel().getVersion();
        String overlayKey = store.put(prediction.getHospitalId(), OverlayRenderer.png(image, heatmap, caption, overlayWidth));
        explanations.sendMessageAndAwait(tracing.messageOfCase(prediction.getCaseId(),
                ExplanationMapper.toEvent(prediction, heatmap, overlayKey)));
    }

    private static boolean notAssessable(PredictionMade prediction) {
        return prediction.getAssessment() != null
                && prediction.getAssessment().getVerdict() == AssessabilityVerdict.NOT_ASSESSABLE;
    }

    /** Only a published model's predictions are explained: the card must be known, for the sha256 the prediction names. */
    private void requirePublished(ModelRef model) {
        Optional<ModelCard> card;
        try {
            card = catalog.awaitCard(model.getName(), model.getVersion(), unknownModelPatience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for model " + model.getName() + " " + model.getVersion(), e);
        }
        if (card.isEmpty()) {
            throw new UnprocessableRecordException("the prediction names model " + model.getName() + " " + model.getVersion()
                    + ", which was never published to this explain-service");
        }
        if (!card.get().sha256().equals(model.getSha256())) {
            throw new UnprocessableRecordException("the prediction names model " + model.getName() + " " + model.getVersion()
                    + " with sha256 " + model.getSha256() + ", but its card has " + card.get().sha256());
        }
    }
}
