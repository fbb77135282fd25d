package org.cytotriage.inference.model;

import java.awt.image.BufferedImage;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.inference.predict.Classifier;
import org.cytotriage.model.run.LoadedModel;

/** Runs a model once on a blank image so the first real prediction is not the slow one. */
@ApplicationScoped
public class ModelWarmer {

    private final Classifier classifier;

    ModelWarmer(Classifier classifier) {
        this.classifier = classifier;
    }

    long warm(LoadedModel model) {
        long start = System.nanoTime();
        classifier.classify(model, new BufferedImage(model.card().preprocessing().width(), model.card().preprocessing().height(),
                BufferedImage.TYPE_INT_RGB));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
