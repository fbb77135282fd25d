package org.cytotriage.explain.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.cytotriage.poison.PoisonAssertions.assertEveryBadRecordDeadLetteredOnce;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.poison.PoisonCorpus;
import org.cytotriage.poison.PoisonImages;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The poison corpus on every topic explain-service consumes: each bad record becomes exactly one
 * dead letter with its reason, each record at its bounds is not refused for its length, the valid
 * prediction after the corpus is explained, and the service stays live and ready throughout.
 */
@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class PoisonCorpusTest {

    private static final String SERVICE = "explain-service";
    private static final Path BASIC = ShippedModels.directory(ShippedModels.BASIC);
    private static final ModelCard CARD = ModelCard.read(BASIC);
    private static final ModelRef MODEL = ModelRef.newBuilder().setName(CARD.name()).setVersion(CARD.version()).setSha256(CARD.sha256())
            .build();

    private final RealInfrastructure infra = RealInfrastructure.shared();
    private final TopicWriter writer = new TopicWriter(infra);
    private final TopicReader reader = new TopicReader(infra);

    @Inject
    ImageStore store;

    @Test
    void everyBadPredictionBecomesOneDeadLetterWithItsReasonAndThePredictionAfterItIsExplained() {
        String key = store.put("hospital-test", new SyntheticCytologyGenerator().generate(41, BethesdaCategory.V).jpegBytes());
        PredictionMade template = prediction(key, MODEL);
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.PREDICTIONS).common(template, diagnosis(), p -> {
            p.setEventId(UUID.randomUUID().toString());
            p.setImageId(UUID.randomUUID().toString());
            return p;
        })
                .add("a prediction for an unknown model", prediction(key, ModelRef.newBuilder(MODEL).setVersion("0.0.0-never-published")
                        .build()), "never published to this explain-service")
                .add("a prediction naming a known model with another sha256", prediction(key, ModelRef.newBuilder(MODEL)
                        .setSha256("f".repeat(64)).build()), "but its card has " + CARD.sha256())
                .add("a forged image key", prediction("sha256/zz/forged", MODEL), "not an image store key")
                .add("a traversing image key", prediction("../../../../etc/passwd", MODEL), "not an image store key")
                .add("a key with no blob", prediction("sha256/00/" + "0".repeat(64), MODEL), "is not in the image store")
                .add("an image that decodes to 16 bits", prediction(store.put("hospital-test", PoisonImages.sixteenBitPng()), MODEL), "16 bits per sample")
                .add("a CMYK JPEG", prediction(store.put("hospital-test", PoisonImages.cmykJpeg()), MODEL), "CMYK colour space")
                .add("an image of 10,000x10,000 pixels", prediction(store.put("hospital-test", PoisonImages.declaring(10_000, 10_000)), MODEL),
                        "declares 10000x10000 pixels");
        PredictionMade after = prediction(key, MODEL);

        corpus.send();
        writer.send(Topics.PREDICTIONS, after.getCaseId(), after);

        assertThat(reader.read(Topics.EXPLANATIONS, ExplanationReady.class, e -> e.getPredictionEventId().equals(after.getEventId()),
                found -> !found.isEmpty(), Duration.ofSeconds(120))).as("the prediction after the corpus").hasSize(1);
        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(60));
        verdicts.forEach(v -> System.out.println(v.row()));
        assertEveryBadRecordDeadLetteredOnce(verdicts);
        assertLiveAndReady();
    }

    @Test
    void everyBadModelPublicationBecomesOneDeadLetter() throws IOException {
        // Signed releases under the model root, so that each is refused for what it is, not for being unsigned.
        Path unreadable = ModelReleases.newDirectory("poison-model");
        Files.writeString(unreadable.resolve(ModelCard.FILE), "{ not json");
        ModelReleases.sign(unreadable, MODEL.getName(), "9.9.8-poison", false);
        ModelPublished template = publication(MODEL, ModelReleases.releaseOf(BASIC));
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.MODELS).common(template, diagnosis(), p -> p)
                .add("a model publication with a wrong sha256", publication(ModelRef.newBuilder(MODEL).setVersion("9.9.9-poison")
                        .setSha256("0".repeat(64)).build(), ModelReleases.signedCopy(BASIC, MODEL.getName(), "9.9.9-poison")),
                        "differs from the card's")
                .add("an unsigned model publication", publication(ModelRef.newBuilder(MODEL).setVersion("9.9.7-poison").build(), BASIC),
                        "refused")
                .add("a model publication with an unreadable card", publication(ModelRef.newBuilder(MODEL).setVersion("9.9.8-poison")
                        .build(), unreadable), "cannot read");

        corpus.send();

        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(60));
        verdicts.forEach(v -> System.out.println(v.row()));
        assertEveryBadRecordDeadLetteredOnce(verdicts);
        assertLiveAndReady();
    }

    private static void assertLiveAndReady() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static PredictionMade prediction(String imageKey, ModelRef model) {
        List<Float> cells = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            cells.add(i == 24 ? 2f : 0.1f);
        }
        return PredictionMade.newBuilder().setEventId(UUID.randomUUID().toString()).setImageId(UUID.randomUUID().toString())
                .setCaseId("case-poison-exp").setHospitalId("hospital-test").setPredictedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey(imageKey).setSha256("0".repeat(64)).setMediaType("image/jpeg").setSizeBytes(1)
                        .setWidth(1024).setHeight(768).build())
                .setModel(model).setPredictedGroup(TreatmentGroup.INDETERMINATE).setProbabilities(new ClassProbabilities(0.2, 0.6, 0.2))
                .setTemperature(1.0).setFlaggedForReview(false).setInferenceMillis(10.0)
                .setActivationMaps(ActivationMaps.newBuilder().setRows(7).setCols(7).setBenign(cells).setIndeterminate(cells)
                        .setMalignant(cells).build())
                .build();
    }

    private static ModelPublished publication(ModelRef model, Path location) {
        return ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString()).setPublishedAt(Instant.now()).setModel(model)
                .setVariant("BASIC").setLocation(location.toString()).setApprovedBy("poison-corpus").build();
    }

    private static DiagnosisRecorded diagnosis() {
        return DiagnosisRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setCaseId("case-poison")
                .setHospitalId("hospital-test").setRecordedAt(Instant.now())
                .setBethesdaCategory(org.cytotriage.events.v1.BethesdaCategory.II).setGroup(TreatmentGroup.BENIGN).setVersion(1)
                .setRecordedBy("dr-test").build();
    }
}
