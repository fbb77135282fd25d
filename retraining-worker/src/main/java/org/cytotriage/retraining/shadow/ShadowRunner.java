package org.cytotriage.retraining.shadow;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.model.assess.ConformalSets;
import org.cytotriage.model.assess.ReviewRule;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.Calibration;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.cytotriage.retraining.job.RetrainingJobs;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.imagestore.ImageFetcher;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Runs each candidate in shadow on the new images, in a consumer group of its own: the clinical path
 * (inference-service) neither waits for it nor fails with it. An image the candidate cannot read is
 * skipped here (inference-service answers for it with a dead letter or a prediction); a shadow
 * prediction goes to fnab.predictions.shadow, never to the results.
 */
@ApplicationScoped
public class ShadowRunner {

    private static final Logger LOG = Logger.getLogger(ShadowRunner.class);

    private final ShadowTrials trials;
    private final ImageFetcher fetcher;
    private final MutinyEmitter<PredictionMade> shadow;
    private final ReviewRule review;
    private final double coverage;
    /** Per candidate (name and version), its thresholds at the plan's coverage: read once, not on every image. */
    private final Map<String, ConformalSets> sets = new ConcurrentHashMap<>();

    ShadowRunner(ShadowTrials trials, ImageFetcher fetcher, @Channel(Topics.SHADOW_PREDICTIONS) MutinyEmitter<PredictionMade> shadow,
            RetrainingJobs jobs) {
        this.trials = trials;
        this.fetcher = fetcher;
        this.shadow = shadow;
        this.review = new ReviewRule(jobs.plan().shadow().reviewThreshold());
        this.coverage = jobs.plan().shadow().conformalCoverage();
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    public void onImage(ConsumerRecord<String, ImageReceived> record) {
        List<ShadowTrial> running = trials.running();
        if (running.isEmpty()) {
            return;
        }
        ImageReceived image = IncomingRecords.payload(record, ImageReceived.class);
        for (ShadowTrial trial : running) {
            try {
                shadow.sendMessageAndAwait(Message.of(predict(trial, image))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(image.getCaseId()).build()));
                trials.counted(trial);
            } catch (RuntimeException e) {
                LOG.warnf("shadow %s %s skipped image %s: %s", trial.candidate().name(), trial.candidate().version(), image.getImageId(),
                        e.getMessage());
            }
        }
    }

    private PredictionMade predict(ShadowTrial trial, ImageReceived image) {
        LoadedModel model = trials.model(trial);
        long start = System.nanoTime();
        ModelOutput output = model.run(List.of(ModelInputs.of(ImageDecoder.decode(fetcher.fetch(image.getImage().getKey())), model.card())))
                .get(0);
        double[] p = output.probabilities(model.card().calibration().temperature());
        int best = Calibration.argmax(p);
        Set<TreatmentGroup> set = sets.computeIfAbsent(model.card().name() + " " + model.card().version(),
                k -> ConformalSets.of(model.card(), coverage)).of(p);
        return ShadowMapper.toEvent(image, model.card(), p, best, review.flags(output.verdict(), set, p[best]),
                (System.nanoTime() - start) / 1e6, output.verdict(), set, coverage);
    }
}
