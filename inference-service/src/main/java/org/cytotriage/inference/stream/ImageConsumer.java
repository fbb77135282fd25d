package org.cytotriage.inference.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Predicts every received image, a polled batch at a time. The batch's offsets are committed only
 * after each of its predictions, or dead letters, was acknowledged by the broker: at-least-once. On
 * SIGTERM the batches in flight finish and are committed before the consumers close ({@link ShutdownDrain}),
 * so a rolling restart predicts nothing twice. The live model is read once per batch, so a
 * hot swap never splits a batch between two models.
 */
@ApplicationScoped
public class ImageConsumer {

    private static final Logger LOG = Logger.getLogger(ImageConsumer.class);

    private final LiveModel live;
    private final BatchPipeline pipeline;
    private final MutinyEmitter<PredictionMade> predictions;
    private final DeadLetterPublisher deadLetters;
    private final KafkaTracing tracing;
    private final ShutdownDrain drain;

    ImageConsumer(LiveModel live, BatchPipeline pipeline, @Channel(Topics.PREDICTIONS) MutinyEmitter<PredictionMade> predictions,
            DeadLetterPublisher deadLetters, KafkaTracing tracing, ShutdownDrain drain) {
        this.live = live;
        this.pipeline = pipeline;
        this.predictions = predictions;
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.drain = drain;
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    @Timed(value = "cytotriage.inference.batch", description = "Predict and publish one polled batch of images", histogram = true)
    public CompletionStage<Void> onImages(KafkaRecordBatch<String, ImageReceived> batch) {
        if (!drain.admit()) {
            // Not acknowledged, so not committed: the next owner of the partitions predicts these images.
            LOG.infof("Shutting down: %d fetched images left uncommitted", batch.getRecords().size());
            return CompletableFuture.completedFuture(null);
        }
        try {
            predictAndPublish(batch.getRecords());
        } catch (RuntimeException e) {
            drain.finished();
            throw e;
        }
        // Finished once the offset commit is under way, so a drain cannot let the consumers close before it.
        return batch.ack().whenComplete((acknowledged, failure) -> drain.finished());
    }

    private void predictAndPublish(List<KafkaRecord<String, ImageReceived>> polled) {
        List<BatchPipeline.Outcome> outcomes;
        try (LiveModel.Lease lease = live.acquire()) {
            outcomes = pipeline.process(polled.stream().map(KafkaRecord::getPayload).toList(), lease.model());
        }
        List<Uni<Void>> sends = new ArrayList<>(polled.size());
        for (int i = 0; i < outcomes.size(); i++) {
            ImageReceived image = polled.get(i).getPayload();
            // Each image's outcome continues the trace its upload started.
            try (KafkaTracing.Processing traced = tracing.process("inference " + Topics.IMAGES, polled.get(i).getHeaders(),
                    image.getCaseId(), image.getImageId())) {
                if (outcomes.get(i) instanceof BatchPipeline.Predicted predicted) {
                    sends.add(predictions.sendMessage(KafkaTracing.message(image.getCaseId(),
                            PredictionMapper.toEvent(predicted.image(), predicted.prediction()))));
                } else if (outcomes.get(i) instanceof BatchPipeline.Rejected rejected) {
                    deadLetters.publish(deadLetters.about(Topics.IMAGES, rejected.reason(), rejected.error())
                            .setImageId(image.getImageId())
                            .setCaseId(image.getCaseId())
                            .setHospitalId(image.getHospitalId())
                            .build());
                }
            }
        }
        if (!sends.isEmpty()) {
            Uni.join().all(sends).andFailFast().await().indefinitely();
        }
    }
}
