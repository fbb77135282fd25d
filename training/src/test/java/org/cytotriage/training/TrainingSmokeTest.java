package org.cytotriage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The build has just trained the three models (Basic, Premium, the MobileNetV2 variant) for one epoch on a tiny generated dataset and exported
 * them (see this module's pom): the Java model runtime loads what train.py wrote and agrees with it.
 */
class TrainingSmokeTest {

    private static final Path MODELS = Path.of(System.getProperty("smoke.models", "target/smoke-models"));
    private static final Path PROFILES = Path.of(System.getProperty("smoke.profiles", "target/smoke-profiles"));
    private static final Path DATA = Path.of(System.getProperty("smoke.data", "target/smoke-data"));

    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void theExportedModelLoadsAndReproducesItsReferenceVectors(String name) throws IOException {
        Path directory = MODELS.resolve(name);
        JsonNode card = new ObjectMapper().readTree(directory.resolve(ModelCard.FILE).toFile());
        assertThat(card.get("label").asText()).isEqualTo("NOT FOR CLINICAL USE");
        assertThat(card.at("/training/data/generator").asText()).startsWith("synthetic-cytology/");
        assertThat(card.at("/metrics/siteA/macroF1").isNumber()).isTrue();
        assertThat(card.at("/metrics/siteA/eceAfterCalibration").isNumber()).isTrue();

        ReferenceCases reference = ReferenceCases.read(directory);
        assertThat(reference.cases().size()).isPositive();
        try (LoadedModel model = LoadedModel.load(directory, 2)) {
            assertThat(model.card().name()).isEqualTo(name);
            for (ReferenceCases.Case c : reference.cases()) {
                float[] input = ModelInputs.of(ImageDecoder.decode(Files.readAllBytes(c.png())), model.card());
                ModelOutput output = model.run(List.of(input)).get(0);
                // One epoch on 21 images may leave a useless model whose fitted temperature flattens the
                // probabilities, so the raw logits are compared too (relative to their magnitude).
                float scale = 1e-6f;
                for (float logit : c.logits()) {
                    scale = Math.max(scale, Math.abs(logit));
                }
                for (int k = 0; k < 3; k++) {
                    assertThat(output.logits()[k]).as("%s logit %d", c.png().getFileName(), k)
                            .isCloseTo(c.logits()[k], within(1e-4f * Math.max(1f, scale)));
                }
                double[] probabilities = output.probabilities(model.card().calibration().temperature());
                for (int k = 0; k < 3; k++) {
                    assertThat(probabilities[k]).as("%s class %d", c.png().getFileName(), k)
                            .isCloseTo(c.probabilities()[k], within(1e-4));
                }
                assertThat(output.activationMaps()).hasNumberOfRows(model.card().viewCount());
            }
        }
    }

    /**
     * numpy fitted the assessability profile (cytotriage_training.profile) on what the Java runtime
     * dumped, and wrote the score and verdict it gives each image; the Java runtime, loading the
     * profile the way the services do, gives the same on the same images.
     */
    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void theJavaVerdictAgreesWithNumpysOnEveryProfiledImage(String name) throws IOException {
        Path directory = MODELS.resolve(name);
        JsonNode scores = new ObjectMapper().readTree(PROFILES.resolve(name).resolve("scores.json").toFile());
        JsonNode card = new ObjectMapper().readTree(directory.resolve(ModelCard.FILE).toFile());
        assertThat(card.at("/calibration/conformal/levels/0.90").size()).isEqualTo(3);
        assertThat(card.at("/assessability/sha256").asText()).hasSize(64);
        assertThat(scores.size()).isPositive();
        try (LoadedModel model = LoadedModel.load(directory, 2)) {
            for (JsonNode row : scores) {
                if (!row.get("dataset").asText().equals("train")) {
                    continue;
                }
                float[] input = ModelInputs.of(ImageDecoder.decode(Files.readAllBytes(DATA.resolve(row.get("file").asText()))),
                        model.card());
                Verdict verdict = model.run(List.of(input)).get(0).verdict();
                double expected = row.get("outOfDistribution").asDouble();
                assertThat(verdict.outOfDistribution()).as("%s score of %s", name, row.get("file").asText())
                        .isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
                // The validation image whose score set the threshold lies on it: which side rounding puts it is no disagreement.
                double threshold = model.profile().features().threshold();
                if (Math.abs(expected - threshold) > 1e-6 * Math.max(1, threshold)) {
                    assertThat(verdict.assessable()).as("%s verdict on %s", name, row.get("file").asText())
                            .isEqualTo(row.get("assessed").asBoolean());
                }
            }
        }
    }
}
