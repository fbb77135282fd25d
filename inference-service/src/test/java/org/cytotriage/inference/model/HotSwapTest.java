package org.cytotriage.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.stream.ReceivedImages;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class HotSwapTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    @Inject
    LiveModel live;

    @Inject
    ImageStore store;

    @ConfigProperty(name = "cytotriage.inference.model-directory")
    Path configured;

    /**
     * 40 images all on the old version, then a publication while 40 more stream in, then 40 after
     * the swap: every image is predicted exactly once, and in each partition (ordered by offset) the
     * version changes exactly once, from old to new.
     */
    @Test
    void aPublishedVersionTakesOverMidStreamWithNoImageLostOrPredictedTwice() throws IOException {
        ModelCard old = live.card();
        String newVersion = old.version() + "-hotswap-" + UUID.randomUUID().toString().substring(0, 8);
        Path published = copyWithVersion(configured, newVersion);

        List<ImageReceived> before = images("before", 40);
        writer.sendAll(Topics.IMAGES, before, ImageReceived::getCaseId);
        awaitPredictions(before);

        List<ImageReceived> during = images("during", 40);
        writer.send(Topics.MODELS, old.name(), publication(old.name(), newVersion, old.sha256(), published));
        writer.sendAll(Topics.IMAGES, during, ImageReceived::getCaseId);
        await().atMost(Duration.ofSeconds(60)).until(() -> live.card().version().equals(newVersion));
        List<ImageReceived> after = images("after", 40);
        writer.sendAll(Topics.IMAGES, after, ImageReceived::getCaseId);

        List<ImageReceived> all = new ArrayList<>(before);
        all.addAll(during);
        all.addAll(after);
        var predictions = awaitPredictions(all);
        assertThat(predictions).extracting(r -> r.value().getImageId())
                .containsExactlyInAnyOrderElementsOf(all.stream().map(ImageReceived::getImageId).toList());
        Map<Integer, List<ConsumerRecord<String, PredictionMade>>> byPartition = predictions.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition));
        for (var partition : byPartition.entrySet()) {
            List<String> versions = partition.getValue().stream().sorted(Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> r.value().getModel().getVersion()).toList();
            assertThat(versions.get(0)).as("partition %d starts on the old version", partition.getKey()).isEqualTo(old.version());
            assertThat(versions.get(versions.size() - 1)).as("and ends on the new one").isEqualTo(newVersion);
            assertThat(changes(versions)).as("version changes in partition %d: %s", partition.getKey(), versions).isEqualTo(1);
        }
    }

    @Test
    void aPublicationWhoseSha256DoesNotMatchIsDeadLetteredAndTheLiveModelStays() throws IOException {
        ModelCard current = live.card();
        String version = current.version() + "-tampered";
        Path published = copyWithVersion(configured, version);
        String wrongSha = "0".repeat(64);

        writer.send(Topics.MODELS, current.name(), publication(current.name(), version, wrongSha, published));

        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class,
                d -> Topics.MODELS.equals(d.getSourceTopic()) && d.getReason().contains(version),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value().getReason()).contains("differs from the card's");
        assertThat(live.card().version()).isEqualTo(current.version());
    }

    /**
     * Only a signed release rolls out: one signed with a key no service trusts, one whose weights
     * changed after signing, one outside the model root and one older than the live version are each
     * refused with the reason, and the live model stays.
     */
    @Test
    void aForgedATamperedAnOutsideAndAnOlderReleaseAreEachRefusedAndTheLiveModelStays() throws IOException {
        ModelCard current = live.card();
        String forgedVersion = current.version() + "-forged";
        Path forged = unsignedCopyWithVersion(configured, forgedVersion);
        ModelReleases.forge(forged, current.name(), forgedVersion);
        String tamperedVersion = current.version() + "-changed-weights";
        Path tampered = copyWithVersion(configured, tamperedVersion);
        Files.write(tampered.resolve("model.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        String outsideVersion = current.version() + "-outside";
        Path outside = Files.createTempDirectory("outside-the-root-");
        Files.copy(configured.resolve("model.onnx"), outside.resolve("model.onnx"));
        Files.copy(configured.resolve("assessability.json"), outside.resolve("assessability.json"));
        Files.copy(configured.resolve("model-card.json"), outside.resolve("model-card.json"));
        ModelReleases.sign(outside, current.name(), outsideVersion, false);
        String olderVersion = "0.0.1-older";
        Path older = copyWithVersion(configured, olderVersion);

        writer.send(Topics.MODELS, current.name(), publication(current.name(), forgedVersion, current.sha256(), forged));
        writer.send(Topics.MODELS, current.name(), publication(current.name(), tamperedVersion, current.sha256(), tampered));
        writer.send(Topics.MODELS, current.name(), publication(current.name(), outsideVersion, current.sha256(), outside));
        writer.send(Topics.MODELS, current.name(), publication(current.name(), olderVersion, current.sha256(), older));

        assertThat(refusal(forgedVersion)).contains("not a trusted release key");
        assertThat(refusal(tamperedVersion)).contains("model.onnx has changed since it was signed");
        assertThat(refusal(outsideVersion)).contains("outside the model root");
        assertThat(refusal(olderVersion)).contains("is not newer than " + current.version()).contains("rollback");
        assertThat(live.card().version()).as("the live model stays").isEqualTo(current.version());
        assertThat(live.card().sha256()).isEqualTo(current.sha256());
    }

    private List<ConsumerRecord<String, PredictionMade>> awaitPredictions(List<ImageReceived> images) {
        Set<String> ids = images.stream().map(ImageReceived::getImageId).collect(Collectors.toSet());
        return reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> ids.contains(p.getImageId()),
                found -> found.size() >= ids.size(), Duration.ofSeconds(120));
    }

    private List<ImageReceived> images(String phase, int count) {
        List<ImageReceived> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] jpeg = generator.generate(500 + i, BethesdaCategory.values()[i % 6]).jpegBytes();
            images.add(ReceivedImages.stored(store, "case-swap-" + phase + "-" + i, jpeg));
        }
        return images;
    }

    private static long changes(List<String> versions) {
        long changes = 0;
        for (int i = 1; i < versions.size(); i++) {
            changes += versions.get(i).equals(versions.get(i - 1)) ? 0 : 1;
        }
        return changes;
    }

    /**
     * The same weights under a new version, a signed release under the model root: a retrained model
     * would differ only in its bytes and sha256.
     */
    private static Path copyWithVersion(Path model, String version) throws IOException {
        Path copy = unsignedCopyWithVersion(model, version);
        ModelReleases.sign(copy, new ObjectMapper().readTree(copy.resolve("model-card.json").toFile()).get("name").asText(), version, false);
        return copy;
    }

    private static Path unsignedCopyWithVersion(Path model, String version) throws IOException {
        Path copy = ModelReleases.newDirectory("published-model-");
        Files.copy(model.resolve("model.onnx"), copy.resolve("model.onnx"));
        Files.copy(model.resolve("assessability.json"), copy.resolve("assessability.json"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode card = (ObjectNode) json.readTree(model.resolve("model-card.json").toFile());
        card.put("version", version);
        json.writerWithDefaultPrettyPrinter().writeValue(copy.resolve("model-card.json").toFile(), card);
        return copy;
    }

    /** The dead letter of the publication of this version, once inference has refused it. */
    private String refusal(String version) {
        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class,
                d -> Topics.MODELS.equals(d.getSourceTopic()) && d.getReason().contains(version), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(letters).hasSize(1);
        return letters.get(0).value().getReason();
    }

    private static ModelPublished publication(String name, String version, String sha256, Path location) {
        return ModelPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPublishedAt(Instant.now())
                .setModel(ModelRef.newBuilder().setName(name).setVersion(version).setSha256(sha256).build())
                .setVariant("BASIC")
                .setLocation(location.toString())
                .setApprovedBy("test")
                .build();
    }
}
