package org.cytotriage.audit.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cytotriage.poison.PoisonAssertions.assertEveryBadRecordDeadLetteredOnce;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.GateCriterion;
import org.cytotriage.events.v1.GateReport;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingDataset;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.poison.PoisonCorpus;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The poison corpus on every topic audit-service records: each bad record becomes exactly one dead
 * letter with its reason (and is listed by the dead-letter API), each record at its schema's bounds
 * is recorded (so the columns hold what the schemas allow), the valid records after the corpus are
 * recorded, and the service stays live and ready throughout.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class PoisonCorpusTest {

    private static final String SERVICE = "audit-service";

    private final RealInfrastructure infra = RealInfrastructure.shared();
    private final TopicWriter writer = new TopicWriter(infra);

    @Test
    void everyBadImageRecordBecomesOneDeadLetterAndEveryImageAtItsBoundsIsRecorded() {
        ImageReceived template = AuditEvents.image("case-poison-img", "hospital-p", UUID.randomUUID().toString(),
                "sha256/ab/" + "ab".repeat(32), Instant.now());
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.IMAGES).common(template, diagnosis("case-x"), PoisonCorpusTest::freshImage);
        ImageReceived after = AuditEvents.image("case-after-poison-img", "hospital-p", UUID.randomUUID().toString(),
                "sha256/ab/" + "ab".repeat(32), Instant.now());

        corpus.send();
        writer.send(Topics.IMAGES, after.getCaseId(), after);

        assertRefusedOnceAndRecordedAtBounds(corpus, "select count(*) from images where event_id = ?1", ImageReceived.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from images where image_id = ?1", after.getImageId()) == 1);
        assertLiveAndReady();
    }

    @Test
    void everyBadPredictionAndExplanationBecomesOneDeadLetterAndTheRestIsRecorded() {
        String imageId = UUID.randomUUID().toString();
        PredictionMade prediction = AuditEvents.prediction("case-poison-pred", "hospital-p", imageId, AuditEvents.MODEL, Instant.now(),
                0.2, 0.3, 0.5, false);
        PoisonCorpus predictions = new PoisonCorpus(infra, Topics.PREDICTIONS).common(prediction, diagnosis("case-y"), p -> {
            p.setEventId(UUID.randomUUID().toString());
            p.setImageId(UUID.randomUUID().toString());
            return p;
        });
        ExplanationReady explanation = explanation(prediction);
        PoisonCorpus explanations = new PoisonCorpus(infra, Topics.EXPLANATIONS).common(explanation, diagnosis("case-z"), e -> {
            e.setEventId(UUID.randomUUID().toString());
            e.setImageId(UUID.randomUUID().toString());
            return e;
        });

        predictions.send();
        explanations.send();

        assertRefusedOnceAndRecordedAtBounds(predictions, "select count(*) from predictions where event_id = ?1", PredictionMade.class);
        assertRefusedOnceAndRecordedAtBounds(explanations, "select count(*) from explanations where event_id = ?1", ExplanationReady.class);
        assertLiveAndReady();
    }

    @Test
    void aDiagnosisWithAnUnknownCategoryOrOutOfBoundsBecomesOneDeadLetter() {
        String caseId = "case-poison-dx-" + UUID.randomUUID().toString().substring(0, 8);
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-p", UUID.randomUUID().toString(),
                "sha256/ab/" + "ab".repeat(32), Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from cases where case_id = ?1", caseId) == 1);
        DiagnosisRecorded template = diagnosis(caseId);
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.DIAGNOSES).common(template, explanation(AuditEvents.prediction(caseId,
                "hospital-p", UUID.randomUUID().toString(), AuditEvents.MODEL, Instant.now(), 0.2, 0.3, 0.5, false)), d -> {
                    d.setEventId(UUID.randomUUID().toString());
                    d.setVersion(100 + (int) (Math.random() * 1_000_000));
                    return d;
                })
                .addRewritten("a diagnosis with an unknown category (VII)", template,
                        schema -> schema.replace("\"VI\"]", "\"VI\",\"VII\"]"),
                        record -> record.put("bethesdaCategory", new GenericData.EnumSymbol(
                                record.getSchema().getField("bethesdaCategory").schema(), "VII")),
                        "cannot be read as DiagnosisRecorded");

        corpus.send();

        assertRefusedOnceAndRecordedAtBounds(corpus, "select count(*) from diagnoses where event_id = ?1", DiagnosisRecorded.class);
        assertLiveAndReady();
    }

    @Test
    void everyBadModelChangeAndShadowPredictionBecomesOneDeadLetterAndTheRestIsRecorded() {
        ModelChange change = ModelChange.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                .setRequestId(UUID.randomUUID().toString()).setParent(AuditEvents.MODEL)
                .setCandidate(ModelRef.newBuilder(AuditEvents.MODEL).setVersion("9.9.10").build()).setStep(ChangeStep.QUEUED)
                .setDetail("gate passed").setRecipe(java.util.Map.of("epochs", "3"))
                .setDataset(RetrainingDataset.newBuilder().setManifestSha256("d".repeat(64)).setImages(10).setTrainImages(6)
                        .setValidationImages(2).setHeldOutImages(2).setUnusable(0).setSplitSeed(1).build())
                .setGate(GateReport.newBuilder().setPlan("plan 1").setPlanSha256("a".repeat(64)).setPassed(true)
                        .setCriteria(List.of(GateCriterion.newBuilder().setName("macro-F1").setDataset("held-out").setCandidate(0.8)
                                .setEstimate(0.01).setLower(-0.02).setUpper(0.04).setBound(-0.05).setPassed(true).setRule("not worse")
                                .build())).build())
                .build();
        PoisonCorpus changes = new PoisonCorpus(infra, Topics.MODEL_CHANGES).common(change, diagnosis("case-c"), c -> {
            c.setEventId(UUID.randomUUID().toString());
            return c;
        });
        PredictionMade shadow = AuditEvents.prediction("case-poison-shadow", "hospital-p", UUID.randomUUID().toString(),
                ModelRef.newBuilder(AuditEvents.MODEL).setVersion("9.9.10").build(), Instant.now(), 0.2, 0.3, 0.5, false);
        PoisonCorpus shadows = new PoisonCorpus(infra, Topics.SHADOW_PREDICTIONS).common(shadow, diagnosis("case-s"), p -> {
            p.setEventId(UUID.randomUUID().toString());
            p.setImageId(UUID.randomUUID().toString());
            return p;
        });

        changes.send();
        shadows.send();

        assertRefusedOnceAndRecordedAtBounds(changes, "select count(*) from model_changes where event_id = ?1", ModelChange.class);
        assertRefusedOnceAndRecordedAtBounds(shadows, "select count(*) from shadow_predictions where event_id = ?1", PredictionMade.class);
        assertLiveAndReady();
    }

    @Test
    void aModelPublicationWhoseCardIsMissingOrForAnotherSha256BecomesOneDeadLetter() throws IOException {
        // A signed release of the shipped Basic model, under the model root: the template the corpus varies.
        Path basic = ModelReleases.releaseOf(Path.of(System.getProperty("cytotriage.root", "..")).resolve("models/thyroideffi-basic"));
        JsonNode card = new ObjectMapper().readTree(basic.resolve("model-card.json").toFile());
        ModelPublished template = ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString()).setPublishedAt(Instant.now())
                .setModel(ModelRef.newBuilder().setName(card.get("name").asText()).setVersion(card.get("version").asText())
                        .setSha256(card.get("sha256").asText()).build())
                .setVariant("BASIC").setLocation(basic.toString()).setApprovedBy("poison-corpus").build();
        PoisonCorpus corpus = new PoisonCorpus(infra, Topics.MODELS).common(template, diagnosis("case-m"), p -> p)
                .add("a model publication with an unreadable card", ModelPublished.newBuilder(template)
                        .setLocation("/nonexistent/poison-model").build(), "no model directory at /nonexistent/poison-model")
                .add("a model publication with a wrong sha256", ModelPublished.newBuilder(template)
                        .setModel(ModelRef.newBuilder(template.getModel()).setSha256("0".repeat(64)).build()).build(),
                        "already released with another sha256 than " + "0".repeat(64));

        corpus.send();

        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(60));
        verdicts.forEach(v -> System.out.println(v.row()));
        // A publication at its bounds may still name no model directory: refused then, but not for its length.
        assertEveryBadRecordDeadLetteredOnce(verdicts);
        assertLiveAndReady();
    }

    /**
     * Each record that must be refused has exactly one dead letter from audit with its reason, also
     * listed by the API; each record at its bounds is on record once (by its event id, when it has one).
     */
    private void assertRefusedOnceAndRecordedAtBounds(PoisonCorpus corpus, String countByEventId, Class<? extends SpecificRecord> type) {
        List<PoisonCorpus.Verdict> verdicts = corpus.verdicts(SERVICE, Duration.ofSeconds(90));
        verdicts.forEach(v -> System.out.println(v.row()));
        for (PoisonCorpus.Verdict verdict : verdicts) {
            if (verdict.poison().mustBeProcessed()) {
                assertThat(verdict.letters()).as("%s is recorded, not refused", verdict.poison().name()).isEmpty();
            } else {
                assertThat(verdict.letters()).as("dead letters of %s", verdict.poison().name()).hasSize(1);
                assertThat(verdict.letters().get(0).getReason()).as(verdict.poison().name()).contains(verdict.poison().reason());
                String id = verdict.letters().get(0).getEventId();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.admin().queryParam("service", SERVICE)
                        .queryParam("topic", corpus.records().get(0).topic()).queryParam("size", 200).get("/api/v1/deadletters")
                        .then().statusCode(200).body("items.find { it.eventId == '" + id + "' }.reason",
                                equalTo(verdict.letters().get(0).getReason())));
            }
        }
        List<String> atBounds = corpus.records().stream().filter(p -> p.mustBeProcessed()).map(p -> eventIdOf(p, type)).toList();
        assertThat(atBounds).as("records at their bounds").isNotEmpty();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(atBounds)
                .allSatisfy(eventId -> assertThat(count(countByEventId, eventId)).as("on record: event %s", eventId).isEqualTo(1)));
    }

    private static String eventIdOf(org.cytotriage.poison.Poison poison, Class<? extends SpecificRecord> type) {
        try (var deserializer = new io.apicurio.registry.serde.avro.AvroKafkaDeserializer<SpecificRecord>()) {
            java.util.Map<String, Object> config = new java.util.HashMap<>(RealInfrastructure.shared().registry().serdeConfig());
            config.put("apicurio.registry.use-specific-avro-reader", "true");
            deserializer.configure(config, false);
            SpecificRecord record = deserializer.deserialize(poison.topic(), poison.headers(), poison.value());
            return String.valueOf(record.get(record.getSchema().getField("eventId").pos()));
        }
    }

    private static long count(String sql, String id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) io.quarkus.hibernate.orm.panache.Panache.getEntityManager()
                .createNativeQuery(sql).setParameter(1, id).getSingleResult()).longValue());
    }

    private static void assertLiveAndReady() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static ImageReceived freshImage(ImageReceived image) {
        image.setEventId(UUID.randomUUID().toString());
        image.setImageId(UUID.randomUUID().toString());
        return image;
    }

    private static DiagnosisRecorded diagnosis(String caseId) {
        return AuditEvents.diagnosis(caseId, "hospital-p", "IV", 1, Instant.now());
    }

    private static ExplanationReady explanation(PredictionMade prediction) {
        return ExplanationReady.newBuilder().setEventId(UUID.randomUUID().toString()).setPredictionEventId(prediction.getEventId())
                .setImageId(prediction.getImageId()).setCaseId(prediction.getCaseId()).setHospitalId(prediction.getHospitalId())
                .setExplainedAt(Instant.now()).setModel(prediction.getModel()).setExplainedGroup(TreatmentGroup.MALIGNANT)
                .setMethod("grad-cam").setHeatmapRows(1).setHeatmapCols(1).setHeatmap(List.of(1f)).build();
    }
}
