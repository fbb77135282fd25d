package org.cytotriage.explain.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TileActivationMaps;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class PredictionConsumerTest {

    /** The shipped Basic model, which this service knows from its configured directories: only published models are explained. */
    private static final ModelRef SHIPPED_BASIC = shipped(ModelCard.read(ShippedModels.directory(ShippedModels.BASIC)));

    @Inject
    ImageStore store;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void explainsThePredictedClassWithAHeatmapPeakingWhereItsMapPeaksAndStoresTheOverlay() throws IOException {
        byte[] jpeg = new SyntheticCytologyGenerator().generate(11, BethesdaCategory.VI).jpegBytes();
        List<Float> malignant = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            malignant.add(i == 30 ? 3f : i % 2 == 0 ? -1f : 0.5f);
        }
        PredictionMade prediction = prediction("case-exp-1", store.put("hospital-test", jpeg), ActivationMaps.newBuilder().setRows(7).setCols(7)
                .setBenign(constant(9f)).setIndeterminate(constant(9f)).setMalignant(malignant).build());

        writer.send(Topics.PREDICTIONS, prediction.getCaseId(), prediction);

        ExplanationReady explanation = explanationOf(prediction);
        assertThat(explanation.getExplainedGroup()).isEqualTo(TreatmentGroup.MALIGNANT);
        assertThat(explanation.getModel()).isEqualTo(prediction.getModel());
        assertThat(explanation.getHeatmapRows() * explanation.getHeatmapCols()).isEqualTo(49);
        assertThat(explanation.getHeatmap().get(30)).isEqualTo(1f);
        assertThat(explanation.getHeatmap().get(0)).isZero();
        assertThat(explanation.getHeatmap().get(1)).isEqualTo(0.5f / 3f);

        BufferedImage original = ImageIO.read(new ByteArrayInputStream(jpeg));
        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(store.get(explanation.getOverlayKey()).orElseThrow()));
        assertThat(overlay.getWidth()).as("cytotriage.explain.overlay-width").isEqualTo(640);
        assertThat(overlay.getHeight()).as("the image and a legend below it").isGreaterThan(480);
        // cell 30 is row 4, column 2 of the 7x7 grid: its centre turns red; a cell without evidence keeps its colours
        Color hot = new Color(overlay.getRGB(640 * 5 / 14, 480 * 9 / 14));
        Color before = new Color(original.getRGB(1024 * 5 / 14, 768 * 9 / 14));
        assertThat(hot.getRed() - hot.getBlue()).isGreaterThan(before.getRed() - before.getBlue() + 40);
        Color cold = new Color(overlay.getRGB(2, 2));
        Color coldBefore = new Color(original.getRGB(3, 3));
        assertThat(Math.abs(cold.getRed() - coldBefore.getRed()) + Math.abs(cold.getBlue() - coldBefore.getBlue()))
                .as("scaled, not coloured").isLessThan(30);
    }

    @Test
    void premiumPredictionIsExplainedAtTileResolutionOverTheWholeImage() {
        byte[] jpeg = new SyntheticCytologyGenerator().generate(12, BethesdaCategory.V).jpegBytes();
        List<ActivationMaps> tiles = new ArrayList<>();
        for (int tile = 0; tile < 12; tile++) {
            List<Float> indeterminate = constant(0f);
            if (tile == 11) {
                indeterminate.set(48, 2f); // bottom right cell of the bottom right tile
            }
            tiles.add(ActivationMaps.newBuilder().setRows(7).setCols(7).setBenign(constant(1f))
                    .setIndeterminate(indeterminate).setMalignant(constant(1f)).build());
        }
        List<Float> global = constant(0f);
        global.set(48, 1f);
        PredictionMade prediction = prediction("case-exp-3", store.put("hospital-test", jpeg), ActivationMaps.newBuilder().setRows(7).setCols(7)
                .setBenign(constant(1f)).setIndeterminate(global).setMalignant(constant(1f)).build());
        prediction.setPredictedGroup(TreatmentGroup.INDETERMINATE);
        prediction.setTileActivationMaps(TileActivationMaps.newBuilder().setCanvasWidth(1024).setCanvasHeight(768)
                .setTileSize(256).setRows(3).setColumns(4).setTiles(tiles).build());

        writer.send(Topics.PREDICTIONS, prediction.getCaseId(), prediction);

        ExplanationReady explanation = explanationOf(prediction);
        assertThat(explanation.getHeatmapRows()).isEqualTo(21);
        assertThat(explanation.getHeatmapCols()).isEqualTo(28);
        assertThat(explanation.getHeatmap().get(21 * 28 - 1)).isEqualTo(1f);
        assertThat(explanation.getHeatmap().get(0)).isZero();
        assertThat(explanation.getOverlayKey()).isNotNull();
    }

    @Test
    void predictionWithoutActivationMapsGoesToTheDeadLetterTopic() {
        PredictionMade prediction = prediction("case-exp-2", store.put("hospital-test", new byte[] {1}), null);

        writer.send(Topics.PREDICTIONS, prediction.getCaseId(), prediction);

        assertThat(deadLetterOf(prediction).getReason()).contains("no activation maps");
    }

    @Test
    void predictionWhoseImageIsMissingOrUndecodableGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws IOException {
        PredictionMade missing = prediction("case-exp-4", "sha256/00/" + "0".repeat(64), maps());
        PredictionMade undecodable = prediction("case-exp-5", store.put("hospital-test", "not an image".getBytes()), maps());
        byte[] jpeg = new SyntheticCytologyGenerator().generate(13, BethesdaCategory.II).jpegBytes();
        PredictionMade fine = prediction("case-exp-6", store.put("hospital-test", jpeg), maps());

        writer.send(Topics.PREDICTIONS, missing.getCaseId(), missing);
        writer.send(Topics.PREDICTIONS, undecodable.getCaseId(), undecodable);
        writer.send(Topics.PREDICTIONS, fine.getCaseId(), fine);

        assertThat(deadLetterOf(missing).getReason()).contains("is not in the image store");
        assertThat(deadLetterOf(undecodable).getReason()).contains("cannot be decoded");
        assertThat(explanationOf(fine).getOverlayKey()).isNotNull();
    }

    private ExplanationReady explanationOf(PredictionMade prediction) {
        var explanations = reader.read(Topics.EXPLANATIONS, ExplanationReady.class,
                e -> e.getPredictionEventId().equals(prediction.getEventId()), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(explanations).hasSize(1);
        return explanations.get(0).value();
    }

    private DeadLetter deadLetterOf(PredictionMade prediction) {
        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class, d -> prediction.getImageId().equals(d.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value().getService()).isEqualTo("explain-service");
        return letters.get(0).value();
    }

    private static ActivationMaps maps() {
        List<Float> malignant = constant(0f);
        malignant.set(24, 1f);
        return ActivationMaps.newBuilder().setRows(7).setCols(7).setBenign(constant(0f)).setIndeterminate(constant(0f))
                .setMalignant(malignant).build();
    }

    private static List<Float> constant(float value) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            values.add(value);
        }
        return values;
    }

    private static ModelRef shipped(ModelCard card) {
        return ModelRef.newBuilder().setName(card.name()).setVersion(card.version()).setSha256(card.sha256()).build();
    }

    private static PredictionMade prediction(String caseId, String imageKey, ActivationMaps maps) {
        return PredictionMade.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId(caseId)
                .setHospitalId("hospital-test")
                .setPredictedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey(imageKey).setSha256("0".repeat(64))
                        .setMediaType("image/png").setSizeBytes(1).setWidth(1024).setHeight(768).build())
                .setModel(SHIPPED_BASIC)
                .setPredictedGroup(TreatmentGroup.MALIGNANT)
                .setProbabilities(new ClassProbabilities(0.1, 0.2, 0.7))
                .setTemperature(1.0)
                .setFlaggedForReview(false)
                .setInferenceMillis(12.0)
                .setActivationMaps(maps)
                .build();
    }
}
