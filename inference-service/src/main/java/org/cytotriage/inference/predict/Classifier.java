package org.cytotriage.inference.predict;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.inference.model.LoadedModel;
import org.cytotriage.inference.model.ModelCard;
import org.cytotriage.inference.model.ModelConfig;
import org.cytotriage.inference.preprocess.ImagePreprocessor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

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
        return classify(live.current(), ImagePreprocessor.decode(imageBytes));
    }

    public Prediction classify(LoadedModel model, BufferedImage image) {
        long start = System.nanoTime();
        ModelCard card = model.card();
        ModelCard.Preprocessing spec = card.preprocessing();
        float[] input = ImagePreprocessor.toTensor(image, spec);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, spec.height(), spec.width()});
                OrtSession.Result result = model.session().run(Map.of(spec.inputName(), tensor))) {
            float[] logits = ((float[][]) result.get(card.outputs().logits()).orElseThrow().getValue())[0];
            double temperature = card.calibration().temperature();
            double[] probabilities = Calibration.softmax(logits, temperature);
            int best = Calibration.argmax(probabilities);
            float[][] maps = null;
            int rows = 0;
            int cols = 0;
            Optional<OnnxValue> camOutput = card.outputs().classActivationMaps() == null ? Optional.empty()
                    : result.get(card.outputs().classActivationMaps());
            if (camOutput.isPresent()) {
                float[][][] perClass = ((float[][][][]) camOutput.get().getValue())[0];
                rows = perClass[0].length;
                cols = perClass[0][0].length;
                maps = new float[perClass.length][];
                for (int c = 0; c < perClass.length; c++) {
                    maps[c] = flatten(perClass[c]);
                }
            }
            return new Prediction(card, TreatmentGroup.values()[best], probabilities, temperature,
                    probabilities[best] < reviewThreshold, maps, rows, cols, (System.nanoTime() - start) / 1e6);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + card.name() + " " + card.version(), e);
        }
    }

    private static float[] flatten(float[][] grid) {
        float[] flat = new float[grid.length * grid[0].length];
        for (int r = 0; r < grid.length; r++) {
            System.arraycopy(grid[r], 0, flat, r * grid[0].length, grid[0].length);
        }
        return flat;
    }
}
