package org.cytotriage.inference.predict;

import java.awt.image.BufferedImage;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.inference.model.ModelConfig;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.Calibration;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;

/** Image in, calibrated three-group prediction out. No Kafka here: tests call it directly. */
@ApplicationScoped
public class Classifier {

    private final LiveModel live;
    private final double reviewThreshold;

    Classifier(LiveModel live, ModelConfig config) {
        this.live = live;
        this.reviewThreshold = config.reviewThreshold();
    }

    /** Predicts with the live model. */
    public Prediction predict(byte[] imageBytes) {
        return classify(live.current(), ImageDecoder.decode(imageBytes));
    }

    public Prediction classify(LoadedModel model, BufferedImage image) {
        long start = System.nanoTime();
        ModelCard card = model.card();
        ModelOutput output = model.run(List.of(ModelInputs.of(image, card))).get(0);
        double temperature = card.calibration().temperature();
        double[] probabilities = output.probabilities(temperature);
        int best = Calibration.argmax(probabilities);
        // The whole-image view's maps; a multi-region model's tile maps are not carried yet.
        float[][] maps = output.activationMaps() == null ? null : output.activationMaps()[0];
        return new Prediction(card, TreatmentGroup.values()[best], probabilities, temperature,
                probabilities[best] < reviewThreshold, maps, output.mapRows(), output.mapCols(),
                (System.nanoTime() - start) / 1e6);
    }
}
