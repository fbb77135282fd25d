package org.cytotriage.benchmarks;

import java.util.List;

import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.PipelinedRunner;

/**
 * Decode + preprocess + ONNX Runtime in this process, no Kafka, all cores busy: the same
 * {@link PipelinedRunner} the inference service uses, fed JPEG bytes from memory. The end-to-end
 * throughput is judged against this.
 */
final class BarePipeline {

    private BarePipeline() {
    }

    static double imagesPerSecond(LoadedModel model, List<byte[]> jpegs, int batchSize, int prepareThreads) {
        try (PipelinedRunner runner = new PipelinedRunner(batchSize, prepareThreads, PipelinedRunner.Observer.NONE)) {
            runner.run(jpegs.subList(0, Math.min(jpegs.size(), 2 * batchSize)), bytes -> prepare(model, bytes), model);
            long start = System.nanoTime();
            var results = runner.run(jpegs, bytes -> prepare(model, bytes), model);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!results.stream().allMatch(PipelinedRunner.Result::succeeded)) {
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
