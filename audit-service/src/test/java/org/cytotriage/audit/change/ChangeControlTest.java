package org.cytotriage.audit.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.audit.casefile.PredictionRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.ChangeDecisionKind;
import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Change control end to end in audit-service: the worker's steps (written as the worker writes them,
 * on fnab.model-changes) become the jobs' progress and the ledger, once each however often they are
 * delivered; approvals are given by role and identity and only to a candidate whose gate passed and
 * whose shadow run completed; the two approvals decide exactly one release, and a rollback names the
 * version taken before the current one; both are read back from fnab.model-decisions.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class ChangeControlTest {

    /** The worker's steps and the publications happened yesterday; approvals and decisions are made now, after them. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void aRetrainingJobShowsItsLatestStepAndEpochAndARedeliveredStepIsRecordedOnce() {
        String name = unique("jobs");
        ModelRef parent = ChangeEvents.model(name, "1.0.0");
        String requestId = UUID.randomUUID().toString();
        ModelChange queued = ChangeEvents.step(requestId, parent, null, ChangeStep.QUEUED, T0, "queued").setRecipe(ChangeEvents.recipe()).build();
        ModelChange epoch1 = ChangeEvents.step(requestId, parent, null, ChangeStep.TRAINING, T0.plusSeconds(60), "epoch 1 of 3")
                .setProgress(ChangeEvents.epoch(1, 3, 0.91, 0.55)).build();
        ModelChange epoch2 = ChangeEvents.step(requestId, parent, null, ChangeStep.TRAINING, T0.plusSeconds(120), "epoch 2 of 3")
                .setProgress(ChangeEvents.epoch(2, 3, 0.64, 0.71)).build();
        // The worker restarted and sent its second epoch again: same event id.
        writer.sendAll(Topics.MODEL_CHANGES, List.of(queued, ChangeEvents.step(requestId, parent, null, ChangeStep.PREPARING_DATA,
                T0.plusSeconds(30), "split by case").setDataset(ChangeEvents.dataset()).build(), epoch1, epoch2, epoch2), e -> name);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/retraining/jobs?model=" + name).then()
                .statusCode(200).body("size()", equalTo(1))
                .body("[0].requestId", equalTo(requestId)).body("[0].model", equalTo(name)).body("[0].parentVersion", equalTo("1.0.0"))
                .body("[0].step", equalTo("TRAINING")).body("[0].detail", equalTo("epoch 2 of 3"))
                .body("[0].progress.epoch", equalTo(2)).body("[0].progress.epochs", equalTo(3))
                .body("[0].progress.loss", equalTo(0.64f)).body("[0].progress.validationMacroF1", equalTo(0.71f))
                .body("[0].candidateVersion", nullValue()).body("[0].gatePassed", nullValue())
                .body("[0].startedAt", equalTo(T0.toString())).body("[0].updatedAt", equalTo(T0.plusSeconds(120).toString())));
        As.auditor("hospital-a").get("/api/v1/retraining/jobs").then().statusCode(200).body("requestId", hasItem(requestId));

        As.mlEngineer().get("/api/v1/models/" + name + "/changes").then().statusCode(200)
                .body("kind", contains("QUEUED", "PREPARING_DATA", "TRAINING", "TRAINING"))
                .body("who", everyItemIs(LedgerEntry.WORKER)).body("requestId", everyItemIs(requestId));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ModelChangeRecord.count("eventId", epoch2.getEventId())))
                .as("the redelivered step").isEqualTo(1);

        As.cytopathologist("hospital-a").get("/api/v1/retraining/jobs").then().statusCode(403);
        As.cytopathologist("hospital-a").get("/api/v1/models/" + name + "/changes").then().statusCode(403);
    }

    @Test
    void approvalsAreRefusedForAnotherRoleBeforeTheShadowRunCompletedAndWhenTheGateFailedEachWithItsReason() {
        String name = unique("refused");
        ModelRef parent = ChangeEvents.model(name, "1.0.0");
        ModelRef inShadow = ChangeEvents.model(name, "1.1.0");
        ModelRef refused = ChangeEvents.model(name, "1.2.0");
        String shadowRequest = UUID.randomUUID().toString();
        String refusedRequest = UUID.randomUUID().toString();
        writer.sendAll(Topics.MODEL_CHANGES, List.of(
                ChangeEvents.step(shadowRequest, parent, inShadow, ChangeStep.GATE_PASSED, T0, "passed").setGate(ChangeEvents.gate(true)).build(),
                ChangeEvents.step(shadowRequest, parent, inShadow, ChangeStep.SHADOW_STARTED, T0.plusSeconds(10), "in shadow").build(),
                ChangeEvents.step(refusedRequest, parent, refused, ChangeStep.GATE_FAILED, T0, "failed").setGate(ChangeEvents.gate(false)).build()),
                e -> name);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/retraining/jobs?model=" + name).then()
                .body("size()", equalTo(2)));

        approve(As.auditor("hospital-a"), name, "1.1.0", null).then().statusCode(403);
        approve(As.cytopathologist("hospital-a"), name, "1.1.0", null).then().statusCode(403);
        approve(As.mlEngineer(), name, "1.1.0", Roles.CYTOPATHOLOGIST_LEAD).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("not as 'cytopathologist-lead'"));
        approve(As.mlEngineer(), name, "1.1.0", null).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("still in shadow"));
        approve(As.clinicalLead("hospital-a"), name, "1.2.0", null).then().statusCode(409)
                .body("detail", equalTo("the gate refused it: the lower 95 % bound of macro-F1 less the live model's is above -0.05"));
        approve(As.mlEngineer(), name, "9.9.9", null).then().statusCode(409).body("detail", containsString("not a candidate"));
        // Whoever holds both roles says which one they approve as.
        approve(As.withRoles(Set.of(Roles.ML_ENGINEER, Roles.CYTOPATHOLOGIST_LEAD)), name, "1.1.0", null).then().statusCode(422)
                .body("detail", containsString("name it (role)"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ChangeApprovalRecord.count("modelName", name))).isZero();
    }

    @Test
    void anMlEngineerAndACytopathologistLeadReleaseACandidateWithExactlyOneDecisionNamingBoth() {
        String name = unique("release");
        ModelRef parent = ChangeEvents.model(name, "1.0.0");
        ModelRef candidate = ChangeEvents.model(name, "1.1.0");
        String requestId = UUID.randomUUID().toString();
        writer.sendAll(Topics.MODEL_CHANGES, List.of(
                ChangeEvents.step(requestId, parent, null, ChangeStep.QUEUED, T0, "queued").setRecipe(ChangeEvents.recipe()).build(),
                ChangeEvents.step(requestId, parent, null, ChangeStep.PREPARING_DATA, T0.plusSeconds(5), "split").setDataset(ChangeEvents.dataset()).build(),
                ChangeEvents.step(requestId, parent, candidate, ChangeStep.EVALUATING, T0.plusSeconds(50), "evaluating").build(),
                ChangeEvents.step(requestId, parent, candidate, ChangeStep.GATE_PASSED, T0.plusSeconds(60), "passed").setGate(ChangeEvents.gate(true)).build(),
                ChangeEvents.step(requestId, parent, candidate, ChangeStep.SHADOW_STARTED, T0.plusSeconds(70), "in shadow").build(),
                ChangeEvents.step(requestId, parent, candidate, ChangeStep.SHADOW_COMPLETED, T0.plusSeconds(80), "200 images in shadow").build()),
                e -> name);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/retraining/jobs?model=" + name).then()
                .body("[0].step", equalTo("SHADOW_COMPLETED")).body("[0].gatePassed", equalTo(true))
                .body("[0].candidateVersion", equalTo("1.1.0")));

        approve(As.mlEngineer(), name, "1.1.0", null, "the gate and the shadow run hold").then().statusCode(201).body("approvals.size()", equalTo(1))
                .body("approvals[0].role", equalTo(Roles.ML_ENGINEER)).body("approvals[0].username", equalTo(Tokens.username(Roles.ML_ENGINEER)))
                .body("releaseDecided", equalTo(false));
        approve(As.mlEngineer(), name, "1.1.0", null).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("was approved as ml-engineer"));
        approve(As.clinicalLead("hospital-a"), name, "1.1.0", null, "the disagreements were reviewed").then().statusCode(201)
                .body("approvals.size()", equalTo(2))
                .body("releaseDecided", equalTo(true)).body("release.kind", equalTo("RELEASE")).body("release.version", equalTo("1.1.0"))
                .body("release.requestId", equalTo(requestId));
        approve(As.clinicalLead("hospital-a"), name, "1.1.0", null).then().statusCode(409);

        List<ConsumerRecord<String, ChangeDecision>> decisions = decisionsOf(name, 1);
        assertThat(decisions).hasSize(1);
        ChangeDecision release = decisions.get(0).value();
        assertThat(decisions.get(0).key()).isEqualTo(name);
        assertThat(release.getDecision()).isEqualTo(ChangeDecisionKind.RELEASE);
        assertThat(release.getVersion()).isEqualTo("1.1.0");
        assertThat(release.getRequestId()).isEqualTo(requestId);
        assertThat(release.getApprovals()).extracting(a -> a.getRole() + " " + a.getUsername()).containsExactly(
                Roles.ML_ENGINEER + " " + Tokens.username(Roles.ML_ENGINEER),
                Roles.CYTOPATHOLOGIST_LEAD + " " + Tokens.username(Roles.CYTOPATHOLOGIST_LEAD, "hospital-a"));
        assertThat(release.getApprovals()).allSatisfy(a -> assertThat(a.getSubject()).isNotBlank().isNotEqualTo(a.getUsername()))
                .extracting(a -> a.getSubject()).doesNotHaveDuplicates();
        assertThat(release.getApprovals()).extracting(a -> a.getNote()).containsExactly("the gate and the shadow run hold",
                "the disagreements were reviewed");

        As.clinicalLead("hospital-a").get("/api/v1/models/" + name + "/changes/1.1.0").then().statusCode(200)
                .body("request.requestId", equalTo(requestId)).body("parentVersion", equalTo("1.0.0"))
                .body("data.trainImages", equalTo(80)).body("data.heldOutImages", equalTo(20)).body("recipe.seed", equalTo("7"))
                .body("gate.passed", equalTo(true)).body("gate.criteria.size()", equalTo(2))
                .body("gate.criteria[0].lower", equalTo(-0.03f)).body("gate.criteria[0].upper", equalTo(0.05f))
                .body("approvals.role", contains(Roles.ML_ENGINEER, Roles.CYTOPATHOLOGIST_LEAD))
                .body("release.kind", contains("RELEASE")).body("shadow.startedAt", equalTo(T0.plusSeconds(70).toString()))
                .body("steps.kind", contains("QUEUED", "PREPARING_DATA", "EVALUATING", "GATE_PASSED", "SHADOW_STARTED", "SHADOW_COMPLETED"));
        As.admin().get("/api/v1/models/" + name + "/changes").then().statusCode(200)
                .body("kind", contains("QUEUED", "PREPARING_DATA", "EVALUATING", "GATE_PASSED", "SHADOW_STARTED", "SHADOW_COMPLETED",
                        "APPROVAL", "APPROVAL", "RELEASE"));
        As.mlEngineer().get("/api/v1/models/" + name + "/changes/7.7.7").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aRollbackGoesBackToTheVersionTakenBeforeTheCurrentOneAndIsRefusedWhenThereIsNone() throws IOException {
        String name = unique("rollback");
        rollback(As.mlEngineer(), name).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("no publication"));
        publish(name, "1.0.0", T0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/models/" + name + "/history").then()
                .body("size()", equalTo(1)));
        rollback(As.clinicalLead("hospital-a"), name).then().statusCode(409).body("detail", containsString("none to go back to"));

        publish(name, "1.1.0", T0.plusSeconds(3600));
        publish(name, "1.2.0", T0.plusSeconds(7200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/models/" + name + "/history").then()
                .body("size()", equalTo(3)));
        rollback(As.auditor("hospital-a"), name).then().statusCode(403);
        rollback(As.clinicalLead("hospital-a"), name).then().statusCode(201).body("kind", equalTo("ROLLBACK"))
                .body("version", equalTo("1.1.0")).body("decidedBy", equalTo(Tokens.username(Roles.CYTOPATHOLOGIST_LEAD, "hospital-a")));
        rollback(As.mlEngineer(), name).then().statusCode(409).body("detail", containsString("not carried out yet"));

        List<ConsumerRecord<String, ChangeDecision>> decisions = decisionsOf(name, 1);
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0).value().getDecision()).isEqualTo(ChangeDecisionKind.ROLLBACK);
        assertThat(decisions.get(0).value().getVersion()).isEqualTo("1.1.0");
        assertThat(decisions.get(0).value().getApprovals()).extracting(a -> a.getRole() + " " + a.getUsername() + ": " + a.getNote())
                .containsExactly(Roles.CYTOPATHOLOGIST_LEAD + " " + Tokens.username(Roles.CYTOPATHOLOGIST_LEAD, "hospital-a") + ": back please");
        As.auditor("hospital-a").get("/api/v1/models/" + name + "/changes").then().statusCode(200)
                .body("kind", contains("PUBLICATION_TAKEN", "PUBLICATION_TAKEN", "PUBLICATION_TAKEN", "ROLLBACK"))
                .body("[3].version", equalTo("1.1.0"));
    }

    @Test
    void aRollbackBeforeAnyOtherReleaseGoesBackToTheVersionTheServicesWereConfiguredWith() throws IOException {
        String name = unique("configured");
        String caseId = "case-" + name;
        String imageId = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", imageId, "sha256/ab/" + imageId, T0));
        writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, "hospital-a", imageId, ChangeEvents.model(name, "0.9.0"), T0,
                0.7, 0.2, 0.1, false));
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> PredictionRecord.count("imageId", imageId)) == 1);
        publish(name, "1.0.0", T0.plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/models/" + name + "/history").then()
                .body("size()", equalTo(1)));

        rollback(As.mlEngineer(), name).then().statusCode(201).body("kind", equalTo("ROLLBACK")).body("version", equalTo("0.9.0"));
    }

    private static Response approve(RequestSpecification as, String name, String version, String role) {
        return approve(as, name, version, role, "looks right");
    }

    private static Response approve(RequestSpecification as, String name, String version, String role, String note) {
        Map<String, String> body = role == null ? Map.of("note", note) : Map.of("note", note, "role", role);
        return as.contentType("application/json").body(body).post("/api/v1/models/" + name + "/candidates/" + version + "/approvals");
    }

    private static Response rollback(RequestSpecification as, String name) {
        return as.contentType("application/json").body(Map.of("note", "back please")).post("/api/v1/models/" + name + "/rollback");
    }

    /** The decisions on the model's topic, reading on a while past {@code expected} so that a second one would show. */
    private List<ConsumerRecord<String, ChangeDecision>> decisionsOf(String name, int expected) {
        List<ConsumerRecord<String, ChangeDecision>> found = reader.read(Topics.MODEL_DECISIONS, ChangeDecision.class,
                d -> d.getModel().equals(name), records -> records.size() >= expected, Duration.ofSeconds(30));
        assertThat(found).hasSizeGreaterThanOrEqualTo(expected);
        return reader.read(Topics.MODEL_DECISIONS, ChangeDecision.class, d -> d.getModel().equals(name), records -> records.size() > expected,
                Duration.ofSeconds(3));
    }

    private void publish(String name, String version, Instant at) throws IOException {
        Path directory = Files.createDirectories(ModelReleases.root().resolve(name + "-" + version));
        String sha256 = ChangeEvents.model(name, version).getSha256();
        new ObjectMapper().writeValue(directory.resolve("model-card.json").toFile(), Map.of("name", name, "version", version, "sha256", sha256,
                "label", "NOT FOR CLINICAL USE"));
        ModelReleases.sign(directory, name, version, false);
        writer.send(Topics.MODELS, name, ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString()).setPublishedAt(at)
                .setModel(ChangeEvents.model(name, version)).setVariant("BASIC").setLocation(directory.toString()).setApprovedBy("dr. lead")
                .build());
    }

    private static org.hamcrest.Matcher<Iterable<? extends String>> everyItemIs(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
