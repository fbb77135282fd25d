package org.cytotriage.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.PipelinedRunner;

/**
 * Decode + preprocess + ONNX Runtime in this process, no Kafka, all cores busy: the same
 * {@link PipelinedRunner} the inference service uses, set up as the service sets it up, fed JPEG
 * bytes from memory by as many callers as the service has consumers. The end-to-end throughput is
 * judged against this.
 */
final class BarePipeline {

    /** Consumers per inference-service process ({@code mp.messaging.incoming."fnab.images".concurrency}). */
    static final int CALLERS = 2;

    private BarePipeline() {
    }

    /**
     * @param concurrentRuns model runs at once: cores divided by the session's intra-op threads
     */
    static double imagesPerSecond(LoadedModel model, List<byte[]> jpegs, int batchSize, int prepareThreads,
            int concurrentRuns) {
        try (PipelinedRunner runner = new PipelinedRunner(batchSize, prepareThreads, concurrentRuns,
                PipelinedRunner.Observer.NONE)) {
            runner.run(jpegs.subList(0, Math.min(jpegs.size(), 2 * batchSize)), bytes -> prepare(model, bytes), model);
            List<List<byte[]>> shares = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                shares.add(new ArrayList<>());
            }
            for (int i = 0; i < jpegs.size(); i++) {
                shares.get(i % CALLERS).add(jpegs.get(i));
            }
            long start = System.nanoTime();
            List<CompletableFuture<Boolean>> callers = shares.stream()
                    .map(share -> CompletableFuture.supplyAsync(() -> runner.run(share, bytes -> prepare(model, bytes), model)
                            .stream().allMatch(PipelinedRunner.Result::succeeded)))
                    .toList();
            boolean succeeded = callers.stream().allMatch(CompletableFuture::join);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!succeeded) {
                throw new IllegalStateException("the bare pipeline failed on a generated image");
            }
            return jpegs.size() / seconds;
        }
    }

    /** One thread does everything in turn, batch 1: what overlapping and batching are measured against. */
    static double sequentialImagesPerSecond(LoadedModel model, List<byte[]> jpegs) {
        long start = System.nanoTime();
        for (byte[] jpeg : jpegs) {
            model.run(List.of(prepare(model, jpeg)));
        }
        return jpegs.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static float[] prepare(LoadedModel model, byte[] jpeg) {
        return ModelInputs.of(ImageDecoder.decode(jpeg), model.card());
    }
}
