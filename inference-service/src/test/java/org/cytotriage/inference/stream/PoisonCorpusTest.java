package org.cytotriage.inference.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.cytotriage.poison.PoisonAssertions.assertEveryBadRecordDeadLetteredOnce;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.inference.model.ModelConfig;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.poison.PoisonCorpus;
import org.cytotriage.poison.PoisonImages;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The poison corpus on every topic inference-service consumes: each bad record becomes exactly one
 * dead letter with its reason, each record at its bounds is processed, the valid records after the
 * corpus are predicted, and the service stays live and ready throughout.
 */
@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class PoisonCorpusTest {

    private static final String SERVICE = "inference-service";

    private final RealInfrastructure infra = RealInfrastructure.shared();
    private final TopicWriter writer = new TopicWriter(infra);
    private final TopicReader reader = new TopicReader(infra);
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    @Inject
    ImageStore store;

    @Inject
    LiveModel live;

    @Inject
    ModelConfig config;

    @Test
    void everyBadImageRecordBecomesOneDeadLetterWithItsReasonAndTheImagesAfterItArePredicted() {
        ImageReceived template = ReceivedImages.stored(store, "case-poison-inf", generator.generate(31, BethesdaCategory.IV).jpegBytes());
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.IMAGES).common(template, diagnosis(), PoisonCorpusTest::fresh)
                .add("a forged image key", withKey(template, "sha256/zz/not-a-content-hash"), "not an image store key")
                .add("a traversing image key", withKey(template, "../../../../etc/passwd"), "not an image store key")
                .add("a key with no blob", withKey(template, ReceivedImages.keyOf("never stored".getBytes(StandardCharsets.UTF_8))),
                        "is not in the image store")
                .add("an image that decodes to 16 bits", ReceivedImages.stored(store, "case-poison-16", PoisonImages.sixteenBitPng()),
                        "16 bits per sample")
                .add("a CMYK JPEG", ReceivedImages.stored(store, "case-poison-cmyk", PoisonImages.cmykJpeg()), "CMYK colour space")
                .add("an image of 10,000x10,000 pixels", ReceivedImages.stored(store, "case-poison-huge",
                        PoisonImages.declaring(10_000, 10_000)), "declares 10000x10000 pixels");
        List<ImageReceived> valid = List.of(
                ReceivedImages.stored(store, "case-after-poison-1", generator.generate(32, BethesdaCategory.II).jpegBytes()),
                ReceivedImages.stored(store, "case-after-poison-2", generator.generate(33, BethesdaCategory.VI).jpegBytes()));

        corpus.send();
        writer.sendAll(Topics.IMAGES, valid, ImageReceived::getCaseId);

        var predictions = reader.read(Topics.PREDICTIONS, PredictionMade.class,
                p -> valid.stream().anyMatch(v -> v.getImageId().equals(p.getImageId())), found -> found.size() >= valid.size(),
                Duration.ofSeconds(90));
        assertThat(predictions).as("the images after the corpus").hasSize(valid.size());
        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(60));
        verdicts.forEach(v -> System.out.println(v.row()));
        assertEveryBadRecordDeadLetteredOnce(verdicts);
        assertLiveAndReady();
    }

    @Test
    void everyBadModelPublicationBecomesOneDeadLetterAndTheLiveModelStays() throws IOException {
        ModelCard serving = live.card();
        Path liveDirectory = config.modelDirectory();
        // Signed releases under the model root, so that each is refused for what it is, not for being unsigned.
        Path unreadable = ModelReleases.newDirectory("poison-model");
        Files.writeString(unreadable.resolve(ModelCard.FILE), "{ not json");
        ModelReleases.sign(unreadable, serving.name(), "9.9.8-poison", false);
        // Another model's publication as the template of the bound variants: inference ignores another
        // model's versions, so none of them may change the live model (a valid one of this model would).
        ModelPublished template = publication("poison-other-model", serving.version(), serving.sha256(),
                ModelReleases.signedCopy(liveDirectory, "poison-other-model", serving.version()));
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.MODELS).common(template, diagnosis(), p -> p)
                .add("a model publication with a wrong sha256", publication(serving.name(), "9.9.9-poison", "0".repeat(64),
                        ModelReleases.signedCopy(liveDirectory, serving.name(), "9.9.9-poison")), "differs from the card's")
                .add("an unsigned model publication", publication(serving.name(), "9.9.7-poison", serving.sha256(), liveDirectory), "refused")
                .add("a model publication with an unreadable card", publication(serving.name(), "9.9.8-poison", "1".repeat(64), unreadable),
                        "cannot read");

        corpus.send();

        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(60));
        verdicts.forEach(v -> System.out.println(v.row()));
        assertEveryBadRecordDeadLetteredOnce(verdicts);
        assertThat(live.card().sha256()).as("the live model stays").isEqualTo(serving.sha256());
        assertThat(live.card().version()).isEqualTo(serving.version());
        assertLiveAndReady();
    }

    private static void assertLiveAndReady() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static ImageReceived fresh(ImageReceived image) {
        image.setEventId(UUID.randomUUID().toString());
        image.setImageId(UUID.randomUUID().toString());
        return image;
    }

    private static ImageReceived withKey(ImageReceived template, String key) {
        ImageReceived image = fresh(ImageReceived.newBuilder(template).build());
        image.setImage(ImageRef.newBuilder(template.getImage()).setKey(key).build());
        return image;
    }

    private static ModelPublished publication(String name, String version, String sha256, Path location) {
        return ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString()).setPublishedAt(Instant.now())
                .setModel(ModelRef.newBuilder().setName(name).setVersion(version).setSha256(sha256).build())
                .setVariant("BASIC").setLocation(location.toString()).setApprovedBy("poison-corpus").build();
    }

    private static DiagnosisRecorded diagnosis() {
        return DiagnosisRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setCaseId("case-poison")
                .setHospitalId("hospital-test").setRecordedAt(Instant.now())
                .setBethesdaCategory(org.cytotriage.events.v1.BethesdaCategory.II).setGroup(TreatmentGroup.BENIGN).setVersion(1)
                .setRecordedBy("dr-test").build();
    }
}
