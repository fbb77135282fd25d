package org.cytotriage.inference.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class ImageConsumerTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Inject
    ImageStore store;

    @Inject
    LiveModel live;

    @Test
    void receivedImageGetsOnePredictionNamingTheModel() {
        byte[] jpeg = new SyntheticCytologyGenerator().generate(11, BethesdaCategory.IV).jpegBytes();
        ImageReceived image = received("case-inf-1", store.put(jpeg), jpeg);

        writer.send(Topics.IMAGES, image.getCaseId(), image);

        var predictions = reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(image.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(predictions).hasSize(1);
        PredictionMade prediction = predictions.get(0).value();
        assertThat(predictions.get(0).key()).isEqualTo("case-inf-1");
        assertThat(prediction.getModel().getSha256()).isEqualTo(live.current().card().sha256());
        assertThat(prediction.getModel().getVersion()).isEqualTo(live.current().card().version());
        var p = prediction.getProbabilities();
        assertThat(p.getBenign() + p.getIndeterminate() + p.getMalignant()).isBetween(0.999999, 1.000001);
        assertThat(prediction.getActivationMaps().getMalignant()).hasSize(49);
    }

    @Test
    void undecodableImageAndMissingBlobGoToTheDeadLetterTopicWithTheReason() {
        byte[] garbage = "not really a jpeg".getBytes(StandardCharsets.UTF_8);
        ImageReceived undecodable = received("case-inf-2", store.put(garbage), garbage);
        byte[] neverStored = "never stored".getBytes(StandardCharsets.UTF_8);
        ImageReceived missing = received("case-inf-3", ImageStore.keyOf(Sha256.hex(neverStored)), neverStored);
        byte[] jpeg = new SyntheticCytologyGenerator().generate(12, BethesdaCategory.II).jpegBytes();
        ImageReceived good = received("case-inf-4", store.put(jpeg), jpeg);

        writer.send(Topics.IMAGES, undecodable.getCaseId(), undecodable);
        writer.send(Topics.IMAGES, missing.getCaseId(), missing);
        writer.send(Topics.IMAGES, good.getCaseId(), good);

        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class,
                d -> d.getImageId().equals(undecodable.getImageId()) || d.getImageId().equals(missing.getImageId()),
                found -> found.size() >= 2, Duration.ofSeconds(30));
        assertThat(letters).extracting(r -> r.value().getReason())
                .anySatisfy(reason -> assertThat(reason).contains("cannot be decoded"))
                .anySatisfy(reason -> assertThat(reason).contains("not in the image store"));
        assertThat(letters).allSatisfy(r -> assertThat(r.value().getService()).isEqualTo("inference-service"));
        assertThat(reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(good.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30))).as("the stream goes on").hasSize(1);
    }

    private static ImageReceived received(String caseId, String key, byte[] bytes) {
        return ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId(caseId)
                .setHospitalId("hospital-test")
                .setReceivedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey(key).setSha256(Sha256.hex(bytes)).setMediaType("image/jpeg")
                        .setSizeBytes(bytes.length).setWidth(1024).setHeight(768).build())
                .setSource("test")
                .build();
    }
}
