package org.cytotriage.audit.diagnosis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.pseudonym.CasePseudonyms;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DiagnosisResourceTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    /** Records are keyed by the case pseudonym (support.pseudonym), which CasePseudonymsTest checks against openssl. */
    @Inject
    CasePseudonyms pseudonyms;

    @Inject
    Outbox outbox;

    @Test
    void recordsTheCategoryAsGivenAndACorrectionAsANewVersion() {
        String caseId = knownCase();

        As.cytopathologist("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"5\", \"recordedBy\": \"dr-a\", \"comment\": \"papillary features\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201)
                .header("Location", containsString("/diagnoses/1"))
                .body("version", equalTo(1)).body("bethesdaCategory", equalTo("V")).body("group", equalTo("INDETERMINATE"));
        As.cytopathologist("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"Bethesda VI\", \"recordedBy\": \"dr-b\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201)
                .body("version", equalTo(2)).body("bethesdaCategory", equalTo("VI")).body("group", equalTo("MALIGNANT"));

        As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(200)
                .body("size()", equalTo(2))
                .body("[0].bethesdaCategory", equalTo("V")).body("[0].comment", equalTo("papillary features"))
                .body("[1].bethesdaCategory", equalTo("VI"))
                // The body's "recordedBy" is what a client might claim; the record names the signed-in cytopathologist.
                .body("[1].recordedBy", equalTo(Tokens.username(Roles.CYTOPATHOLOGIST, "hospital-d")));

        List<ConsumerRecord<String, DiagnosisRecorded>> published = new TopicReader(RealInfrastructure.shared()).read(Topics.DIAGNOSES,
                DiagnosisRecorded.class, d -> d.getCaseId().equals(caseId), found -> found.size() >= 2, Duration.ofSeconds(20));
        assertThat(published).extracting(r -> r.value().getVersion()).containsExactly(1, 2);
        assertThat(published).extracting(r -> r.value().getBethesdaCategory().name()).containsExactly("V", "VI");
        assertThat(published).allMatch(r -> r.key().equals(pseudonyms.of(caseId)));
        assertThat(published).extracting(r -> r.value().getRecordedBy()).containsOnly(Tokens.username(Roles.CYTOPATHOLOGIST, "hospital-d"));
        String subject = QuarkusTransaction.requiringNew().call(() -> DiagnosisRecord.history("hospital-d", caseId).get(0).recordedBySubject);
        assertThat(subject).as("the account's subject id at Keycloak").matches("[0-9a-f-]{36}");
        assertThat(published).extracting(r -> r.value().getRecordedBySubject()).containsOnly(subject);
    }

    @Test
    void anotherHospitalsCaseIsUnknownAndAnAuditorMayNotRecordADiagnosis() {
        String caseId = knownCase();
        As.cytopathologist("hospital-elsewhere").get("/api/v1/cases/" + caseId).then().statusCode(404)
                .body("type", equalTo("urn:cytotriage:problem:unknown-case"));
        As.cytopathologist("hospital-elsewhere").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"II\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(404);
        As.cytopathologist("hospital-elsewhere").get("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(404);
        As.auditor("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"II\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(403);
        As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId + "/diagnoses").then().body("size()", equalTo(0));
    }

    @Test
    void aDiagnosisRecordedThroughTheApiEndsAsExactlyOneEventWithTheRecordsEventId() {
        String caseId = knownCase();

        As.cytopathologist("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"IV\", \"recordedBy\": \"dr-a\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201);
        String eventId = QuarkusTransaction.requiringNew().call(() -> DiagnosisRecord.history("hospital-d", caseId).get(0).eventId);

        // Read on for a while after the first: a second publication of the fact would show.
        List<ConsumerRecord<String, DiagnosisRecorded>> published = new TopicReader(RealInfrastructure.shared()).read(Topics.DIAGNOSES,
                DiagnosisRecorded.class, d -> d.getCaseId().equals(caseId), found -> found.size() > 1, Duration.ofSeconds(8));
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.value().getEventId()).isEqualTo(eventId);
            assertThat(r.key()).as("the case's pseudonym, never its id").isEqualTo(pseudonyms.of(caseId)).isNotEqualTo(caseId);
            assertThat(r.headers().lastHeader("traceparent")).as("the API call's trace, carried through the outbox").isNotNull();
        });
        assertThat(outbox.isPending(eventId)).as("the outbox row, marked sent").isFalse();
        // Audit's own consumer of fnab.diagnoses found the event id on record and added nothing.
        As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId + "/diagnoses").then().body("size()", equalTo(1));
    }

    @Test
    void recordsDiagnosesPublishedByTheLaboratorySystemOnce() {
        String caseId = knownCase();
        DiagnosisRecorded fromLis = AuditEvents.diagnosis(caseId, "hospital-d", "III", 1, Instant.now());
        writer.send(Topics.DIAGNOSES, caseId, fromLis);
        writer.send(Topics.DIAGNOSES, caseId, fromLis);
        // A second version 1 from elsewhere conflicts with history and is kept out; version 2 is a correction.
        writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, "hospital-d", "II", 1, Instant.now()));
        writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, "hospital-d", "IV", 2, Instant.now()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId + "/diagnoses").then()
                .body("size()", equalTo(2)).body("[0].bethesdaCategory", equalTo("III")).body("[1].bethesdaCategory", equalTo("IV")));
    }

    @Test
    void anUnknownCategoryOrCaseIsAProblem() {
        String caseId = knownCase();
        As.cytopathologist("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"VII\", \"recordedBy\": \"dr-a\"}")
                .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(400)
                .contentType(containsString("application/problem+json")).body("title", equalTo("Unknown Bethesda category"))
                .body("detail", containsString("'VII'"));
        As.cytopathologist("hospital-d").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"II\", \"recordedBy\": \"dr-a\"}")
                .post("/api/v1/cases/no-such-case/diagnoses").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("detail", containsString("no-such-case"));
        As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId + "/diagnoses").then().body("size()", equalTo(0));
    }

    /** A case whose image was received, so a diagnosis can be recorded for it. */
    private String knownCase() {
        String caseId = "case-dx-" + UUID.randomUUID().toString().substring(0, 8);
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-d", UUID.randomUUID().toString(), "sha256/ab/x", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> As.cytopathologist("hospital-d").get("/api/v1/cases/" + caseId).statusCode() == 200);
        return caseId;
    }
}
