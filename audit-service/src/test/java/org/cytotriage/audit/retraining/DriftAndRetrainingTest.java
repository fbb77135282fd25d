package org.cytotriage.audit.retraining;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.audit.MutableClock;
import org.cytotriage.audit.drift.ShiftMonitor;
import org.cytotriage.audit.drift.ShiftReport;
import org.cytotriage.audit.model.ModelCardRecord;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.Assessment;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DriftAndRetrainingTest {

    /** The card's reference: a balanced class mix, most predictions confident. */
    private static final double[] REFERENCE_SHARES = {0, 0.01, 0.05, 0.06, 0.08, 0.14, 0.11, 0.35, 0.20};
    private static final double[] STABLE_CONFIDENCES = {0.55, 0.65, 0.75, 0.75, 0.85, 0.85, 0.85, 0.92, 0.92, 0.97, 0.97, 0.97,
        0.97, 0.97, 0.97, 0.97, 0.995, 0.995, 0.995, 0.995};
    private static final double[] EDGES = {0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};

    @Inject
    MutableClock clock;
    @Inject
    RetrainingMonitor monitor;
    @Inject
    ImageStore store;
    @Inject
    ShiftMonitor shift;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theWeeksOfEveryHospitalHoldAHospitalsWeekAsItsOwnQueryDoes() throws Exception {
        ModelRef model = publishCard("shift-" + UUID.randomUUID().toString().substring(0, 8), "2027-01-01T00:00:00Z");
        String hospital = "hospital-shift-" + UUID.randomUUID().toString().substring(0, 6);
        Instant at = Instant.parse("2027-03-03T10:00:00Z");
        for (int i = 0; i < 3; i++) {
            String caseId = model.getName() + "-case-" + i;
            String imageId = UUID.randomUUID().toString();
            PredictionMade prediction = AuditEvents.prediction(caseId, hospital, imageId, model, at, 0.7, 0.2, 0.1, false);
            prediction.setAssessment(Assessment.newBuilder().setVerdict(AssessabilityVerdict.ASSESSABLE).setReasons(List.of())
                    .setOutOfDistribution(1.0).setCoverage(0.4).setContrast(20).setFocus(30).build());
            writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, hospital, imageId, "sha256/ab/" + imageId, at));
            writer.send(Topics.PREDICTIONS, caseId, prediction);
        }
        Instant from = Instant.parse("2027-03-01T00:00:00Z");
        Instant to = Instant.parse("2027-03-08T00:00:00Z");
        await().atMost(Duration.ofSeconds(60)).pollInSameThread()
                .until(() -> shift.weeks(Set.of(hospital), from, to).stream().mapToLong(ShiftReport::images).sum() == 3);
        List<ShiftReport> own = shift.weeks(Set.of(hospital), from, to);

        // Every hospital at once is the drift gauges' query; before 2026-12-07 it ran ":to" into "group by" and failed.
        assertThat(shift.weeks(null, from, to)).filteredOn(r -> r.hospitalId().equals(hospital))
                .extracting(ShiftReport::model, ShiftReport::images, ShiftReport::assessed)
                .containsExactlyElementsOf(own.stream().map(r -> tuple(r.model(), r.images(), r.assessed())).toList());
    }

    @Test
    void aModelLiveSixMonthsAsksForRetrainingOnceWithTheConfirmedCasesSinceItsTrainingByClaimCheck() throws Exception {
        ModelRef model = publishCard("trained-on-" + UUID.randomUUID().toString().substring(0, 8), "2026-12-01T00:00:00Z");
        Instant wentLive = Instant.parse("2027-01-10T00:00:00Z");
        List<String> imageIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String caseId = model.getName() + "-case-" + i;
            String imageId = UUID.randomUUID().toString();
            imageIds.add(imageId);
            writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-r", imageId, "sha256/ab/" + imageId, wentLive));
            writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, "hospital-r", imageId, model, wentLive, 0.7, 0.2, 0.1, false));
            writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, "hospital-r", i % 2 == 0 ? "II" : "V", 1,
                    wentLive.plus(Duration.ofDays(2))));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> As.auditor("hospital-r").get("/api/v1/audit/metrics?model=" + model.getName())
                .then().body("metrics.cases", equalTo(4)));
        for (int i = 0; i < 4; i++) {
            String caseId = model.getName() + "-case-" + i;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-r").get("/api/v1/cases/" + caseId).then()
                    .body("images.size()", equalTo(1)));
        }

        clock.set(wentLive.atOffset(ZoneOffset.UTC).plusMonths(6).minusHours(1).toInstant());
        assertThat(firedFor(monitor.check(), model)).isEmpty();

        clock.set(wentLive.atOffset(ZoneOffset.UTC).plusMonths(6).toInstant());
        List<RetrainingMonitor.Fired> fired = firedFor(monitor.check(), model);
        assertThat(fired).extracting(RetrainingMonitor.Fired::trigger).containsExactly(RetrainingTrigger.SCHEDULED);
        assertThat(fired.get(0).requested()).isTrue();
        // Again, and from two replicas at once: the trigger has asked already.
        assertThat(firedFor(monitor.check(), model)).extracting(RetrainingMonitor.Fired::requested).containsExactly(false);
        List<List<RetrainingMonitor.Fired>> concurrent = List.of(CompletableFuture.supplyAsync(monitor::check),
                CompletableFuture.supplyAsync(monitor::check)).stream().map(CompletableFuture::join).toList();
        assertThat(concurrent).allSatisfy(run -> assertThat(firedFor(run, model)).noneMatch(RetrainingMonitor.Fired::requested));

        List<ConsumerRecord<String, RetrainingRequested>> published = new TopicReader(RealInfrastructure.shared()).read(
                Topics.RETRAINING, RetrainingRequested.class, r -> r.getLiveModel().getName().equals(model.getName()),
                found -> found.size() > 1, Duration.ofSeconds(8));
        assertThat(published).hasSize(1);
        RetrainingRequested request = published.get(0).value();
        assertThat(request.getTrigger()).isEqualTo(RetrainingTrigger.SCHEDULED);
        assertThat(request.getReason()).contains("P6M");
        // The manifest travels by claim check: the event names the file, the file holds the cases.
        assertThat(request.getManifest()).as("the 1.0 inline manifest, left empty").isEmpty();
        List<ConfirmedCase> manifest = ManifestFiles.read(store, request.getManifestRef());
        assertThat(manifest).hasSize(request.getManifestRef().getEntries());
        assertThat(manifest).extracting(c -> c.getImageId()).containsAll(imageIds);
        assertThat(manifest).filteredOn(c -> imageIds.contains(c.getImageId()))
                .extracting(c -> c.getBethesdaCategory().name() + "/" + c.getGroup().name() + "/" + c.getHospitalId())
                .containsExactlyInAnyOrder("II/BENIGN/hospital-r", "V/INDETERMINATE/hospital-r", "II/BENIGN/hospital-r",
                        "V/INDETERMINATE/hospital-r");
        assertThat(manifest).filteredOn(c -> imageIds.contains(c.getImageId())).extracting(ConfirmedCase::getImageKey)
                .allMatch(key -> key.startsWith("sha256/ab/"));
        As.mlEngineer().get("/api/v1/audit/retraining?model=" + model.getName()).then().statusCode(200).body("total", equalTo(1))
                .body("items[0].trigger", equalTo("SCHEDULED")).body("items[0].eventId", equalTo(request.getEventId()))
                .body("items[0].manifestSize", equalTo(manifest.size()))
                .body("items[0].manifestKey", equalTo(request.getManifestRef().getKey()))
                .body("items[0].manifestSha256", equalTo(request.getManifestRef().getSha256()))
                .body("items[0].published", equalTo(true));
    }

    @Test
    void theShippedModelsCardsAreOnRecordWithTheirReference() throws IOException {
        // the version of the card the checkout ships (cytotriage.audit.model-directories), whichever it is
        String version = new ObjectMapper().readTree(Path.of("../models/thyroideffi-basic/model-card.json").toFile())
                .get("version").asText();
        DriftReferenceView basic = QuarkusTransaction.requiringNew().call(() -> {
            ModelCardRecord card = ModelCardRecord.of("thyroideffi-basic", version);
            return card == null ? null : new DriftReferenceView(card.modelSha256, card.trainedAt);
        });
        assertThat(basic).isNotNull();
        assertThat(basic.sha256()).hasSize(64);
        assertThat(basic.trainedAt()).isNotNull();
    }

    record DriftReferenceView(String sha256, Instant trainedAt) {
    }

    @Test
    void driftAndAPerformanceDropAskEarlierAndAStableModelDoesNot() throws Exception {
        Instant now = Instant.parse("2027-03-15T12:00:00Z");
        ModelRef drifting = publishCard("drifting-" + UUID.randomUUID().toString().substring(0, 8), "2027-01-01T00:00:00Z");
        ModelRef stable = publishCard("stable-" + UUID.randomUUID().toString().substring(0, 8), "2027-01-01T00:00:00Z");
        // Drifting: every prediction Benign at 0.99, and each confirmed case was malignant.
        predict(drifting, now, 40, i -> new double[] {0.99, 0.005, 0.005}, i -> "VI");
        // Stable: the card's mix of groups and confidences, each confirmed case right.
        predict(stable, now, 40, i -> stableProbabilities(i), i -> List.of("II", "IV", "VI").get(i % 3));
        clock.set(now);

        As.mlEngineer().get("/api/v1/audit/drift?model=" + drifting.getName()).then().statusCode(200)
                .body("[0].predictions", equalTo(40)).body("[0].classMixPsi", greaterThan(0.25f))
                .body("[0].classMixDrifted", equalTo(true)).body("[0].confidenceDrifted", equalTo(true))
                .body("[0].macroF1", equalTo(0.0f)).body("[0].referenceMacroF1", equalTo(0.88f))
                .body("[0].performanceDropped", equalTo(true));
        As.mlEngineer().get("/api/v1/audit/drift?model=" + stable.getName()).then().statusCode(200)
                .body("[0].classMixDrifted", equalTo(false)).body("[0].confidenceDrifted", equalTo(false))
                .body("[0].performanceDropped", equalTo(false)).body("[0].macroF1", equalTo(1.0f));

        As.mlEngineer().get("/api/v1/audit/drift/history?model=" + drifting.getName() + "&weeks=3").then().statusCode(200)
                .body("size()", equalTo(3)).body("[2].classMixDrifted", equalTo(true)).body("[0].predictions", equalTo(0))
                .body("[2].windowTo", equalTo("2027-03-15T12:00:00Z"));
        As.mlEngineer().get("/api/v1/audit/drift/history?model=no-such-model").then().statusCode(404)
                .contentType(containsString("application/problem+json"));

        List<RetrainingMonitor.Fired> fired = monitor.check();
        assertThat(firedFor(fired, drifting)).extracting(RetrainingMonitor.Fired::trigger)
                .containsExactlyInAnyOrder(RetrainingTrigger.DRIFT, RetrainingTrigger.PERFORMANCE);
        assertThat(firedFor(fired, drifting)).allMatch(RetrainingMonitor.Fired::requested);
        assertThat(firedFor(fired, drifting).stream().filter(f -> f.trigger() == RetrainingTrigger.PERFORMANCE).findFirst()
                .orElseThrow().reason()).contains("macro-F1 0.000 on 40 confirmed cases");
        assertThat(firedFor(fired, stable)).isEmpty();

        // The gauges (refreshed every second in tests) carry the same figures to Prometheus.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("cytotriage_audit_drift_psi{measure=\"class_mix\",model=\"" + drifting.getName() + "\"")));
    }

    private static List<RetrainingMonitor.Fired> firedFor(List<RetrainingMonitor.Fired> fired, ModelRef model) {
        return fired.stream().filter(f -> f.model().name().equals(model.getName())).toList();
    }

    /** Cycles through the groups, and through confidences in about the card's proportions. */
    private static double[] stableProbabilities(int i) {
        double confidence = STABLE_CONFIDENCES[i % STABLE_CONFIDENCES.length];
        double rest = (1 - confidence) / 2;
        double[] p = {rest, rest, rest};
        p[i % 3] = confidence;
        return p;
    }

    private void predict(ModelRef model, Instant now, int count, java.util.function.IntFunction<double[]> probabilities,
            java.util.function.IntFunction<String> diagnosis) {
        for (int i = 0; i < count; i++) {
            String caseId = model.getName() + "-case-" + i;
            double[] p = probabilities.apply(i);
            Instant at = now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(i));
            writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, "hospital-r", UUID.randomUUID().toString(), model, at,
                    p[0], p[1], p[2], false));
            writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, "hospital-r", diagnosis.apply(i), 1, at));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> As.auditor("hospital-r").get("/api/v1/audit/metrics?model=" + model.getName())
                .then().body("metrics.cases", equalTo(count)));
    }

    /** Writes a card with a reference prediction distribution and publishes the model; returns once audit has the card. */
    private ModelRef publishCard(String name, String trainedAt) throws IOException {
        ModelRef model = ModelRef.newBuilder().setName(name).setVersion("1.0").setSha256(UUID.randomUUID().toString().replace("-", "")
                + "0".repeat(32)).build();
        Path directory = Files.createDirectories(ModelReleases.root().resolve(name));
        Map<String, Object> card = Map.of("name", name, "version", "1.0", "sha256", model.getSha256(), "createdAt", trainedAt,
                "label", "NOT FOR CLINICAL USE",
                "metrics", Map.of("siteA", Map.of("cases", 800, "macroF1", 0.88, "predictionDistribution", Map.of(
                        "predictedMix", Map.of("BENIGN", 1 / 3.0, "INDETERMINATE", 1 / 3.0, "MALIGNANT", 1 / 3.0),
                        "confidenceEdges", EDGES, "confidenceShares", REFERENCE_SHARES))));
        new ObjectMapper().writeValue(directory.resolve("model-card.json").toFile(), card);
        ModelReleases.sign(directory, name, "1.0", false);
        writer.send(Topics.MODELS, name, ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString())
                .setPublishedAt(Instant.now()).setModel(model).setVariant("BASIC").setLocation(directory.toAbsolutePath().toString())
                .setApprovedBy("test").build());
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> ModelCardRecord.of(name, "1.0") != null));
        return model;
    }
}
