package org.cytotriage.inference.predict;

import java.util.ArrayList;
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

/** Model outputs to calibrated three-group predictions. No Kafka here: tests call it directly. */
@ApplicationScoped
public class Classifier {

    private final LiveModel live;
    private final double reviewThreshold;

    Classifier(LiveModel live, ModelConfig config) {
        this.live = live;
        this.reviewThreshold = config.reviewThreshold();
    }

    /** Decodes and predicts one image with the live model. */
    public Prediction predict(byte[] imageBytes) {
        try (LiveModel.Lease lease = live.acquire()) {
            LoadedModel model = lease.model();
            return classify(model, List.of(ModelInputs.of(ImageDecoder.decode(imageBytes), model.card()))).get(0);
        }
    }

    /** One batched run over inputs made by {@link ModelInputs#of} for this model's card. */
    public List<Prediction> classify(LoadedModel model, List<float[]> inputs) {
        long start = System.nanoTime();
        List<ModelOutput> outputs = model.run(inputs);
        double millisEach = (System.nanoTime() - start) / 1e6 / inputs.size();
        List<Prediction> predictions = new ArrayList<>(outputs.size());
        for (ModelOutput output : outputs) {
            predictions.add(toPrediction(model.card(), output, millisEach));
        }
        return predictions;
    }

    /**
     * Calibrates with the card's temperature and flags the prediction for expert review when its
     * top probability is below the configured threshold.
     */
    public Prediction toPrediction(ModelCard card, ModelOutput output, double millis) {
        double temperature = card.calibration().temperature();
        double[] probabilities = output.probabilities(temperature);
        int best = Calibration.argmax(probabilities);
        return new Prediction(card, TreatmentGroup.values()[best], probabilities, temperature,
                probabilities[best] < reviewThreshold, output.activationMaps(), output.mapRows(), output.mapCols(), millis);
    }
}
