package org.cytotriage.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.SessionSettings;

/** ONNX Runtime alone on preprocessed inputs: the ceiling the pipeline works against. */
final class BareModel {

    private BareModel() {
    }

    /** Images per second at one batch size, over at least {@code seconds} after two warm-up runs. */
    static double imagesPerSecond(LoadedModel model, List<float[]> inputs, int batch, double seconds) {
        List<float[]> batchInputs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            batchInputs.add(inputs.get(i % inputs.size()));
        }
        model.run(batchInputs);
        model.run(batchInputs);
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int images = 0;
        do {
            model.run(batchInputs);
            images += batch;
        } while (System.nanoTime() < deadline);
        return images / ((System.nanoTime() - start) / 1e9);
    }

    static List<float[]> inputs(LoadedModel model, BenchmarkImages images, int count) {
        List<float[]> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inputs.add(ModelInputs.of(ImageDecoder.decode(images.get(i)), model.card()));
        }
        return Collections.unmodifiableList(inputs);
    }

    /** Throughput at one batch size under other session settings, each in a fresh session. */
    static double withSettings(Path directory, SessionSettings settings, List<float[]> inputs, int batch, double seconds) {
        try (LoadedModel model = LoadedModel.load(directory, settings)) {
            return imagesPerSecond(model, inputs, batch, seconds);
        }
    }
}
