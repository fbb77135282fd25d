package org.cytotriage.inference.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.failure.UnprocessableRecordException;
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
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Predicts every received image, a polled batch at a time. The batch's offsets are committed only
 * after each of its predictions, or dead letters, was acknowledged by the broker: at-least-once. On
 * SIGTERM or a rebalance, the batches in flight finish and are committed before their partitions leave
 * this replica ({@link BatchDrain}), so a rolling restart or a replica joining predicts nothing twice. The live model is read once per batch, so a
 * hot swap never splits a batch between two models.
 *
 * <p>No image stops the batch: a record that cannot be read, an image that cannot be prepared and
 * one the model cannot run on each become a dead letter, and the rest of the batch is predicted.
 * The dead letters are published here, with the batch, rather than by the channel's failure
 * policy, which would act on the whole batch at once.
 */
@ApplicationScoped
public class ImageConsumer {

    private static final Logger LOG = Logger.getLogger(ImageConsumer.class);

    private final LiveModel live;
    private final BatchPipeline pipeline;
    private final MutinyEmitter<PredictionMade> predictions;
    private final DeadLetterPublisher deadLetters;
    private final KafkaTracing tracing;
    private final BatchDrain drain;

    ImageConsumer(LiveModel live, BatchPipeline pipeline, @Channel(Topics.PREDICTIONS) MutinyEmitter<PredictionMade> predictions,
            DeadLetterPublisher deadLetters, KafkaTracing tracing, BatchDrain drain) {
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
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        batch.getRecords().forEach(record -> record.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(metadata ->
                nextOffsets.merge(new TopicPartition(metadata.getTopic(), metadata.getPartition()), metadata.getOffset() + 1, Math::max)));
        Set<TopicPartition> partitions = Set.copyOf(nextOffsets.keySet());
        if (!drain.admit(partitions)) {
            // Not acknowledged, so not committed: the next owner of the partitions predicts these images.
            LOG.infof("Shutting down: %d fetched images left uncommitted", batch.getRecords().size());
            return CompletableFuture.completedFuture(null);
        }
        try {
            predictAndPublish(batch.getRecords());
        } catch (RuntimeException e) {
            drain.finished(partitions, Map.of());
            throw e;
        }
        // Finished once the offset commit is under way; the drain waits for the commit itself.
        return batch.ack().whenComplete((acknowledged, failure) -> drain.finished(partitions, failure == null ? nextOffsets : Map.of()));
    }

    private void predictAndPublish(List<KafkaRecord<String, ImageReceived>> polled) {
        List<Uni<Void>> sends = new ArrayList<>(polled.size());
        List<KafkaRecord<String, ImageReceived>> readable = new ArrayList<>(polled.size());
        for (KafkaRecord<String, ImageReceived> record : polled) {
            try {
                IncomingRecords.payload(record, ImageReceived.class);
                readable.add(record);
            } catch (UnprocessableRecordException e) {
                sends.add(deadLetters.send(deadLetters.about(DeadLetterPublisher.Origin.of(record), e)));
            }
        }
        List<BatchPipeline.Outcome> outcomes = predict(readable);
        for (int i = 0; i < outcomes.size(); i++) {
            ImageReceived image = readable.get(i).getPayload();
            // Each image's outcome continues the trace its upload started.
            try (KafkaTracing.Processing traced = tracing.process("inference " + Topics.IMAGES, readable.get(i).getHeaders(),
                    image.getCaseId(), image.getImageId())) {
                if (outcomes.get(i) instanceof BatchPipeline.Predicted predicted) {
                    sends.add(predictions.sendMessage(tracing.messageOfCase(image.getCaseId(),
                            PredictionMapper.toEvent(predicted.image(), predicted.prediction()))));
                } else if (outcomes.get(i) instanceof BatchPipeline.Rejected rejected) {
                    sends.add(deadLetters.send(deadLetters.about(DeadLetterPublisher.Origin.of(readable.get(i)), rejected.reason(),
                            rejected.error())));
                }
            }
        }
        if (!sends.isEmpty()) {
            Uni.join().all(sends).andFailFast().await().indefinitely();
        }
    }

    /**
     * The outcomes of these images on the live model. When a model run fails as a whole, each image
     * is run alone, so that only an image that fails on its own is rejected.
     */
    private List<BatchPipeline.Outcome> predict(List<KafkaRecord<String, ImageReceived>> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        List<ImageReceived> images = records.stream().map(KafkaRecord::getPayload).toList();
        try (LiveModel.Lease lease = live.acquire()) {
            return pipeline.process(images, lease.model());
        } catch (RuntimeException e) {
            if (records.size() == 1) {
                return List.of(new BatchPipeline.Rejected(images.get(0), "the model could not run on this image: "
                        + DeadLetterPublisher.describe(e), e));
            }
            LOG.warnf("a model run over %d images failed (%s); running each image alone", records.size(), e.getMessage());
            return records.stream().flatMap(record -> predict(List.of(record)).stream()).toList();
        }
    }
}
