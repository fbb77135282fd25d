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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The build has just trained the three models (Basic, Premium, the MobileNetV2 variant) for one epoch on a tiny generated dataset and exported
 * them, and fine-tuned the Basic into a candidate (see this module's pom): the Java model runtime loads what
 * cytotriage_training wrote and agrees with it.
 */
class TrainingSmokeTest {

    private static final Path MODELS = Path.of(System.getProperty("smoke.models", "target/smoke-models"));
    private static final Path PROFILES = Path.of(System.getProperty("smoke.profiles", "target/smoke-profiles"));
    private static final Path DATA = Path.of(System.getProperty("smoke.data", "target/smoke-data"));
    private static final Path CANDIDATE = Path.of(System.getProperty("smoke.candidate",
            "target/smoke-candidate/0.0.1-candidate.smoke"));
    private static final Path CANDIDATE_PROFILES = Path.of(System.getProperty("smoke.candidate.profiles",
            "target/smoke-candidate-profiles"));
    private static final Path LINEAGE = Path.of(System.getProperty("smoke.lineage", "src/test/resources/smoke-lineage.json"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void theExportedModelLoadsAndReproducesItsReferenceVectors(String name) throws IOException {
        Path directory = MODELS.resolve(name);
        JsonNode card = JSON.readTree(directory.resolve(ModelCard.FILE).toFile());
        assertThat(card.get("label").asText()).isEqualTo("NOT FOR CLINICAL USE");
        assertThat(card.at("/training/data/generator").asText()).startsWith("synthetic-cytology/");
        assertThat(card.at("/metrics/siteA/macroF1").isNumber()).isTrue();
        assertThat(card.at("/metrics/siteA/eceAfterCalibration").isNumber()).isTrue();

        try (LoadedModel model = LoadedModel.load(directory, 2)) {
            assertThat(model.card().name()).isEqualTo(name);
            assertReproducesReferences(model, ReferenceCases.read(directory));
        }
    }

    /**
     * The retraining loop's Python half on the smoke Basic (see this module's pom): finetune wrote a
     * candidate into a directory named by its version, ProfileCommand and cytotriage_training.profile
     * completed it. The runtime serves it as it serves a shipped model: sha256 and assessability
     * profile checked on load, the reference vectors PyTorch wrote reproduced, from images inside the
     * candidate's own directory (it is signed as a whole).
     */
    @Test
    void theFineTunedCandidateLoadsAndReproducesItsReferenceVectors() throws IOException {
        JsonNode card = JSON.readTree(CANDIDATE.resolve(ModelCard.FILE).toFile());
        JsonNode parent = JSON.readTree(MODELS.resolve(ShippedModels.BASIC).resolve(ModelCard.FILE).toFile());
        JsonNode lineage = JSON.readTree(LINEAGE.toFile());
        assertThat(card.get("label").asText()).isEqualTo("NOT FOR CLINICAL USE");
        assertThat(card.at("/training/mode").asText()).isEqualTo("fine-tune");
        assertThat(card.at("/training/frozenBatchNorm").asBoolean()).isTrue();
        assertThat(card.at("/training/parent/sha256").asText()).isEqualTo(parent.get("sha256").asText());
        assertThat(card.at("/lineage/requestId").asText()).isEqualTo(lineage.get("requestId").asText());
        assertThat(card.at("/lineage/planId").asText()).isEqualTo(lineage.get("planId").asText());
        assertThat(card.at("/lineage/parent/sha256").asText()).isEqualTo(parent.get("sha256").asText());
        assertThat(card.at("/metrics/heldOut/macroF1").isNumber()).isTrue();
        assertThat(card.at("/metrics/heldOut/conformal/coverage").isNumber()).isTrue();
        assertThat(card.at("/calibration/conformal/levels/0.90").size()).isEqualTo(3);
        assertThat(card.at("/weights/sha256").asText()).hasSize(64);

        ReferenceCases reference = ReferenceCases.read(CANDIDATE);
        assertThat(reference.cases()).allSatisfy(c -> assertThat(c.png()).startsWith(CANDIDATE.normalize()));
        try (LoadedModel model = LoadedModel.load(CANDIDATE, 2)) {
            assertThat(model.card().name()).isEqualTo(ShippedModels.BASIC);
            assertThat(model.card().version()).isEqualTo(CANDIDATE.getFileName().toString());
            assertThat(model.profile()).isNotNull();
            assertReproducesReferences(model, reference);
        }
    }

    private static void assertReproducesReferences(LoadedModel model, ReferenceCases reference) throws IOException {
        assertThat(reference.cases().size()).isPositive();
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

    /**
     * numpy fitted the assessability profile (cytotriage_training.profile) on what the Java runtime
     * dumped, and wrote the score and verdict it gives each image; the Java runtime, loading the
     * profile the way the services do, gives the same on the same images.
     */
    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void theJavaVerdictAgreesWithNumpysOnEveryProfiledImage(String name) throws IOException {
        assertVerdictsAgree(MODELS.resolve(name), PROFILES.resolve(name));
    }

    @Test
    void theJavaVerdictAgreesWithNumpysOnEveryImageTheCandidateWasProfiledOn() throws IOException {
        // The dump is named by the card's model name, not by the candidate's directory (its version).
        assertVerdictsAgree(CANDIDATE, CANDIDATE_PROFILES.resolve(ShippedModels.BASIC));
    }

    private static void assertVerdictsAgree(Path directory, Path dump) throws IOException {
        JsonNode scores = JSON.readTree(dump.resolve("scores.json").toFile());
        JsonNode card = JSON.readTree(directory.resolve(ModelCard.FILE).toFile());
        assertThat(card.at("/calibration/conformal/levels/0.90").size()).isEqualTo(3);
        assertThat(card.at("/assessability/sha256").asText()).hasSize(64);
        assertThat(scores.size()).isPositive();
        try (LoadedModel model = LoadedModel.load(directory, 2)) {
            String name = model.card().name() + " " + model.card().version();
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
