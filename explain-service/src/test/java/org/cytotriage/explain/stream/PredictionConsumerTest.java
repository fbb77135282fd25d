package org.cytotriage.explain.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class PredictionConsumerTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void explainsThePredictedClassWithAHeatmapPeakingWhereItsMapPeaks() {
        List<Float> malignant = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            malignant.add(i == 30 ? 3f : i % 2 == 0 ? -1f : 0.5f);
        }
        PredictionMade prediction = prediction("case-exp-1", ActivationMaps.newBuilder().setRows(7).setCols(7)
                .setBenign(constant(9f)).setIndeterminate(constant(9f)).setMalignant(malignant).build());

        writer.send(Topics.PREDICTIONS, prediction.getCaseId(), prediction);

        var explanations = reader.read(Topics.EXPLANATIONS, ExplanationReady.class,
                e -> e.getPredictionEventId().equals(prediction.getEventId()), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(explanations).hasSize(1);
        ExplanationReady explanation = explanations.get(0).value();
        assertThat(explanation.getExplainedGroup()).isEqualTo(TreatmentGroup.MALIGNANT);
        assertThat(explanation.getModel()).isEqualTo(prediction.getModel());
        assertThat(explanation.getHeatmapRows() * explanation.getHeatmapCols()).isEqualTo(49);
        assertThat(explanation.getHeatmap().get(30)).isEqualTo(1f);
        assertThat(explanation.getHeatmap().get(0)).isZero();
        assertThat(explanation.getHeatmap().get(1)).isEqualTo(0.5f / 3f);
    }

    @Test
    void predictionWithoutActivationMapsGoesToTheDeadLetterTopic() {
        PredictionMade prediction = prediction("case-exp-2", null);

        writer.send(Topics.PREDICTIONS, prediction.getCaseId(), prediction);

        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class, d -> prediction.getImageId().equals(d.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value().getReason()).contains("no activation maps");
            assertThat(letter.value().getService()).isEqualTo("explain-service");
        });
    }

    private static List<Float> constant(float value) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            values.add(value);
        }
        return values;
    }

    private static PredictionMade prediction(String caseId, ActivationMaps maps) {
        return PredictionMade.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId(caseId)
                .setHospitalId("hospital-test")
                .setPredictedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey("sha256/00/" + "0".repeat(64)).setSha256("0".repeat(64))
                        .setMediaType("image/png").setSizeBytes(1).setWidth(1024).setHeight(768).build())
                .setModel(ModelRef.newBuilder().setName("thyroideffi-basic").setVersion("test").setSha256("a".repeat(64)).build())
                .setPredictedGroup(TreatmentGroup.MALIGNANT)
                .setProbabilities(new ClassProbabilities(0.1, 0.2, 0.7))
                .setTemperature(1.0)
                .setFlaggedForReview(false)
                .setInferenceMillis(12.0)
                .setActivationMaps(maps)
                .build();
    }
}
