package org.cytotriage.inference.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.inference.model.ModelConfig;
import org.cytotriage.model.assess.ConformalSets;
import org.cytotriage.model.assess.ReviewRule;
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
    private final ReviewRule review;
    private final double setCoverage;
    /** Per served model (name, version, sha256), its thresholds at the configured coverage: read once, not on every image. */
    private final Map<String, ConformalSets> sets = new ConcurrentHashMap<>();

    Classifier(LiveModel live, ModelConfig config) {
        this.live = live;
        this.review = new ReviewRule(config.reviewThreshold());
        this.setCoverage = config.conformalCoverage();
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
     * Calibrates with the card's temperature, forms the conformal prediction set, and flags the
     * prediction for expert review when the image is not assessable, when the set holds other than
     * one group (the model cannot tell them apart, or the image is like none of them), or when the
     * top probability is below the configured threshold.
     */
    public Prediction toPrediction(ModelCard card, ModelOutput output, double millis) {
        double temperature = card.calibration().temperature();
        double[] probabilities = output.probabilities(temperature);
        int best = Calibration.argmax(probabilities);
        Set<TreatmentGroup> set = sets.computeIfAbsent(card.name() + " " + card.version() + " " + card.sha256(),
                k -> ConformalSets.of(card, setCoverage)).of(probabilities);
        return new Prediction(card, TreatmentGroup.values()[best], probabilities, temperature,
                review.flags(output.verdict(), set, probabilities[best]),
                output.activationMaps(), output.mapRows(), output.mapCols(), millis, output.verdict(), set, setCoverage);
    }
}
