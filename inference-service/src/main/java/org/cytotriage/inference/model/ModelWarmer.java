package org.cytotriage.inference.model;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.inference.predict.Classifier;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;

/**
 * Runs a model on blank images at the serving batch size, so the first real batch does not pay for
 * ONNX Runtime's first-run allocations (several times slower).
 */
@ApplicationScoped
public class ModelWarmer {

    private final Classifier classifier;
    private final int batchSize;

    ModelWarmer(Classifier classifier, ModelConfig config) {
        this.classifier = classifier;
        this.batchSize = config.batchSize();
    }

    long warm(LoadedModel model) {
        long start = System.nanoTime();
        var spec = model.card().preprocessing();
        float[] blank = ModelInputs.of(new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_INT_RGB), model.card());
        classifier.classify(model, List.of(blank));
        classifier.classify(model, Collections.nCopies(batchSize, blank));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
