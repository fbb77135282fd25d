package org.cytotriage.inference.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.inference.model.ModelConfig;
import org.cytotriage.inference.predict.Classifier;
import org.cytotriage.inference.predict.Prediction;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.PipelinedRunner;
import org.cytotriage.support.imagestore.ImageFetcher;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Predicts a polled batch of images on one model: fetching, decoding and preprocessing overlap the
 * model runs ({@link PipelinedRunner}). An image whose preparation fails (missing after the
 * fetcher's retries, undecodable, too large to decode, a key that is no image store key) becomes a
 * {@link Rejected} outcome; a failure of the model run itself stops the batch.
 */
@ApplicationScoped
public class BatchPipeline {

    /** What became of one image: a prediction, or the reason it has none. */
    public sealed interface Outcome {
        ImageReceived image();
    }

    public record Predicted(ImageReceived image, Prediction prediction) implements Outcome {
    }

    public record Rejected(ImageReceived image, String reason, Throwable error) implements Outcome {
    }

    private final ImageFetcher fetcher;
    private final Classifier classifier;
    private final PipelinedRunner runner;

    BatchPipeline(ImageFetcher fetcher, Classifier classifier, ModelConfig config, MeterRegistry registry) {
        this.fetcher = fetcher;
        this.classifier = classifier;
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = config.decodeThreads() > 0 ? config.decodeThreads() : cores;
        int concurrentRuns = Math.max(1, cores / config.intraOpThreads());
        this.runner = new PipelinedRunner(config.batchSize(), threads, concurrentRuns, new Metrics(registry));
    }

    /** One outcome per image, in order; every image of the batch is predicted by {@code model}. */
    public List<Outcome> process(List<ImageReceived> images, LoadedModel model) {
        List<Outcome> outcomes = new ArrayList<>(images.size());
        for (PipelinedRunner.Result<ImageReceived> result : runner.run(images,
                image -> ModelInputs.of(ImageDecoder.decode(fetcher.fetch(image.getImage().getKey())), model.card()),
                model)) {
            if (result.succeeded()) {
                Prediction prediction = classifier.toPrediction(model.card(), result.output(),
                        result.prepareMillis() + result.modelMillis());
                outcomes.add(new Predicted(result.item(), prediction));
            } else {
                outcomes.add(new Rejected(result.item(), reasonOf(result.failure()), result.failure()));
            }
        }
        return outcomes;
    }

    private static String reasonOf(RuntimeException failure) {
        if (failure instanceof ImageFetcher.MissingImageException || failure instanceof UndecodableImageException) {
            return failure.getMessage();
        }
        return "the image could not be prepared for the model: " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    @PreDestroy
    void stop() {
        runner.close();
    }

    private static final class Metrics implements PipelinedRunner.Observer {

        private final Timer prepare;
        private final Timer model;
        private final DistributionSummary batchSizes;

        Metrics(MeterRegistry registry) {
            prepare = Timer.builder("cytotriage.inference.prepare").description("Fetch, decode and preprocess one image")
                    .publishPercentileHistogram().register(registry);
            model = Timer.builder("cytotriage.inference.model").description("One ONNX Runtime run over a model batch")
                    .publishPercentileHistogram().register(registry);
            batchSizes = DistributionSummary.builder("cytotriage.inference.batch.size")
                    .description("Images per ONNX Runtime run").register(registry);
        }

        @Override
        public void prepared(long nanos) {
            prepare.record(Duration.ofNanos(nanos));
        }

        @Override
        public void ran(int batchSize, long nanos) {
            model.record(Duration.ofNanos(nanos));
            batchSizes.record(batchSize);
        }
    }
}
