package org.cytotriage.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.stream.ReceivedImages;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The same service, configured with another encoder (MobileNetV2, 160x160 input, ImageNet
 * normalisation) and a stricter review threshold: its predictions through Kafka reproduce the
 * PyTorch reference probabilities, so the card's input size and normalisation were applied.
 */
@QuarkusTest
@TestProfile(VariantModelTest.MobileNetProfile.class)
@WithTestResource(RealInfraTestResource.class)
class VariantModelTest {

    private static final double REVIEW_THRESHOLD = 0.9;

    public static class MobileNetProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.inference.model-directory", "../models/" + ShippedModels.MOBILENET,
                    "cytotriage.inference.review-threshold", String.valueOf(REVIEW_THRESHOLD));
        }
    }

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Inject
    ImageStore store;

    @Inject
    LiveModel live;

    @Test
    void anotherEncoderWithItsOwnInputSizeAndNormalisationServesThroughTheSameService() throws IOException {
        assertThat(live.card().name()).isEqualTo(ShippedModels.MOBILENET);
        assertThat(live.card().preprocessing().width()).isEqualTo(160);
        ReferenceCases reference = ReferenceCases.read(ShippedModels.directory(ShippedModels.MOBILENET));
        List<ImageReceived> images = new ArrayList<>();
        for (ReferenceCases.Case c : reference.cases()) {
            images.add(ReceivedImages.stored(store, "case-variant-" + images.size(), Files.readAllBytes(c.png())));
        }

        writer.sendAll(Topics.IMAGES, images, ImageReceived::getCaseId);

        for (int i = 0; i < images.size(); i++) {
            String imageId = images.get(i).getImageId();
            var found = reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(imageId),
                    f -> !f.isEmpty(), Duration.ofSeconds(30));
            assertThat(found).hasSize(1);
            PredictionMade prediction = found.get(0).value();
            assertThat(prediction.getModel().getName()).isEqualTo(ShippedModels.MOBILENET);
            assertThat(prediction.getActivationMaps().getRows()).isEqualTo(5);
            double[] expected = reference.cases().get(i).probabilities();
            var p = prediction.getProbabilities();
            double[] actual = {p.getBenign(), p.getIndeterminate(), p.getMalignant()};
            for (int k = 0; k < 3; k++) {
                assertThat(actual[k]).as("reference case %d class %d", i, k).isCloseTo(expected[k], within(1e-4));
            }
            double top = Math.max(actual[0], Math.max(actual[1], actual[2]));
            assertThat(prediction.getFlaggedForReview()).as("top probability %.3f against %.2f", top, REVIEW_THRESHOLD)
                    .isEqualTo(top < REVIEW_THRESHOLD);
        }
    }
}
