package org.cytotriage.inference.stream;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.annotation.Timed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

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
    private final MutinyEmitter<PredictionMade> predictions;
    private final DeadLetterPublisher deadLetters;
    private final KafkaTracing tracing;

    ImageConsumer(LiveModel live, BatchPipeline pipeline, @Channel(Topics.PREDICTIONS) MutinyEmitter<PredictionMade> predictions,
            DeadLetterPublisher deadLetters, KafkaTracing tracing) {
        this.live = live;
        this.pipeline = pipeline;
        this.predictions = predictions;
        this.deadLetters = deadLetters;
        this.tracing = tracing;
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    @Timed(value = "cytotriage.inference.batch", description = "Predict and publish one polled batch of images", histogram = true)
    public void onImages(ConsumerRecords<String, ImageReceived> records) {
        List<ConsumerRecord<String, ImageReceived>> polled = new ArrayList<>(records.count());
        records.forEach(polled::add);
        List<BatchPipeline.Outcome> outcomes;
        try (LiveModel.Lease lease = live.acquire()) {
            outcomes = pipeline.process(polled.stream().map(ConsumerRecord::value).toList(), lease.model());
        }
        List<Uni<Void>> sends = new ArrayList<>(polled.size());
        for (int i = 0; i < outcomes.size(); i++) {
            ImageReceived image = polled.get(i).value();
            // Each image's outcome continues the trace its upload started.
            try (KafkaTracing.Processing traced = tracing.process("inference " + Topics.IMAGES, polled.get(i).headers(),
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
