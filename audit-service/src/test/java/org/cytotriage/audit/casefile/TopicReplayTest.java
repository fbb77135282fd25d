package org.cytotriage.audit.casefile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The audit store is idempotent: every record of its topics delivered again, from the start, adds nothing. */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class TopicReplayTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void replayingTheTopicsFromTheStartAddsNoRecord() {
        String hospital = "hospital-replay-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cases = List.of(hospital + "-1", hospital + "-2", hospital + "-3");
        cases.forEach(caseId -> publishImagePredictionAndDiagnosis(caseId, hospital, "IV", 1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> As.auditor(hospital).get("/api/v1/audit/metrics?hospital=" + hospital)
                .then().body("metrics.cases", equalTo(3)));

        replay(Topics.IMAGES, ImageReceived.class);
        replay(Topics.PREDICTIONS, PredictionMade.class);
        replay(Topics.DIAGNOSES, DiagnosisRecorded.class);

        // One new record per case and topic after the replay: once each is on record, everything
        // replayed before it on the case's partition has been consumed.
        cases.forEach(caseId -> publishImagePredictionAndDiagnosis(caseId, hospital, "V", 2));
        for (String caseId : cases) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> As.cytopathologist(hospital).get("/api/v1/cases/" + caseId + "/diagnoses").then()
                    .body("size()", equalTo(2)).body("bethesdaCategory", hasItems("IV", "V")));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist(hospital).get("/api/v1/cases/" + caseId).then()
                    .body("images.size()", equalTo(2)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.auditor(hospital).get("/api/v1/predictions?hospital=" + hospital).then()
                .body("total", equalTo(6)));
        As.auditor(hospital).get("/api/v1/audit/metrics?hospital=" + hospital).then().body("metrics.cases", equalTo(3));
    }

    private void publishImagePredictionAndDiagnosis(String caseId, String hospital, String bethesda, int diagnosisVersion) {
        String imageId = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, hospital, imageId, "sha256/ab/" + imageId, Instant.now()));
        writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, hospital, imageId, AuditEvents.MODEL, Instant.now(),
                0.2, 0.7, 0.1, true));
        writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, hospital, bethesda, diagnosisVersion, Instant.now()));
    }

    /** Publishes again every record the topic holds, oldest first, under its own key. */
    private <T extends SpecificRecord> void replay(String topic, Class<T> type) {
        List<ConsumerRecord<String, T>> all = reader.read(topic, type, record -> true, found -> false, Duration.ofSeconds(4));
        for (ConsumerRecord<String, T> record : all) {
            writer.send(topic, record.key(), record.value());
        }
    }
}
