package org.cytotriage.audit.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.infra.KafkaBroker;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.pseudonym.CasePseudonyms;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The broker is away when a cytopathologist records a diagnosis: the diagnosis is recorded all the
 * same (201), its event waits in the outbox (the pending gauge says so), and once the broker is back
 * the relay publishes it, once, with the event id it was recorded with.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class BrokerOutageTest {

    private static final Pattern PENDING = Pattern.compile("(?m)^cytotriage_outbox_pending(?:\\{[^}]*\\})? (\\S+)$");

    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;
    /** Records are keyed by the case pseudonym (support.pseudonym), which CasePseudonymsTest checks against openssl. */
    @Inject
    CasePseudonyms pseudonyms;

    @Test
    void aDiagnosisGivenWhileTheBrokerIsAwayIsRecordedAndPublishedOnceItIsBackWithTheSameEventId() {
        String caseId = "case-broker-" + UUID.randomUUID().toString().substring(0, 8);
        new TopicWriter(RealInfrastructure.shared()).send(Topics.IMAGES, caseId,
                AuditEvents.image(caseId, "hospital-o", UUID.randomUUID().toString(), "sha256/ab/x", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> As.cytopathologist("hospital-o").get("/api/v1/cases/" + caseId).statusCode() == 200);

        KafkaBroker kafka = RealInfrastructure.shared().kafka();
        String eventId;
        kafka.stop();
        try {
            As.cytopathologist("hospital-o").contentType(ContentType.JSON).body("{\"bethesdaCategory\": \"V\"}")
                    .post("/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201).body("version", equalTo(1));
            eventId = QuarkusTransaction.requiringNew().call(() -> outboxIdOf(caseId));
            assertThat(outbox.isPending(eventId)).isTrue();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pendingGauge()).isGreaterThanOrEqualTo(1));
            // Nothing goes out while the broker is away; the relay keeps the row and tries again.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> outbox.isPending(eventId));
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> !outbox.isPending(eventId));
        List<ConsumerRecord<String, DiagnosisRecorded>> published = new TopicReader(RealInfrastructure.shared()).read(Topics.DIAGNOSES,
                DiagnosisRecorded.class, d -> d.getCaseId().equals(caseId), found -> found.size() > 1, Duration.ofSeconds(8));
        assertThat(published).singleElement().satisfies(r -> assertThat(r.value().getEventId()).isEqualTo(eventId));
        As.cytopathologist("hospital-o").get("/api/v1/cases/" + caseId + "/diagnoses").then().body("size()", equalTo(1)).body("[0].bethesdaCategory", equalTo("V"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pendingGauge()).isZero());
        given().get("/q/health/live").then().statusCode(200);
    }

    /** The event id the API wrote into the outbox for the case's diagnosis, which is the diagnosis record's. */
    private String outboxIdOf(String caseId) {
        String recorded = (String) entityManager.createNativeQuery(
                "select event_id from diagnoses where case_id = ?1", String.class).setParameter(1, caseId).getSingleResult();
        Object inOutbox = entityManager.createNativeQuery(
                "select id from outbox where aggregate_type = 'diagnosis' and message_key = ?1", String.class)
                .setParameter(1, pseudonyms.of(caseId)).getSingleResult();
        assertThat(inOutbox).as("the outbox row's id is the record's event id").isEqualTo(recorded);
        return recorded;
    }

    private static double pendingGauge() {
        Matcher gauge = PENDING.matcher(given().get("/q/metrics").asString());
        assertThat(gauge.find()).as("cytotriage_outbox_pending on /q/metrics").isTrue();
        return Double.parseDouble(gauge.group(1));
    }
}
