package org.cytotriage.audit.deadletter;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.poison.PoisonCorpus;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DeadLetterResourceTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Test
    void aDeadLetteredImageSaysNotProcessedWithTheReasonInTheCaseViewWorklistStatusAndListing() {
        String caseId = "case-dl-" + UUID.randomUUID().toString().substring(0, 8);
        ImageReceived image = AuditEvents.image(caseId, "hospital-dl", UUID.randomUUID().toString(), "sha256/ab/" + "ab".repeat(32),
                Instant.now());
        writer.send(Topics.IMAGES, caseId, image);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + image.getImageId() + "/status")
                .then().statusCode(200).body("state", equalTo("ACCEPTED")));

        DeadLetter letter = letter(image, "inference-service", Topics.IMAGES, 7L, "the image cannot be decoded: broken JPEG");
        writer.send(Topics.DEAD_LETTER, caseId, letter);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + image.getImageId() + "/status")
                .then().statusCode(200).body("state", equalTo("NOT_PROCESSED")).body("service", equalTo("inference-service"))
                .body("reason", equalTo("the image cannot be decoded: broken JPEG")).body("deadLetterId", equalTo(letter.getEventId())));
        As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/cases/" + caseId).then().statusCode(200)
                .body("images[0].notProcessed.reason", equalTo("the image cannot be decoded: broken JPEG"))
                .body("images[0].notProcessed.service", equalTo("inference-service"));
        As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").queryParam("hospital", "hospital-dl").queryParam("size", 200).get("/api/v1/cases").then().statusCode(200)
                .body("items.find { it.caseId == '" + caseId + "' }.notProcessed", equalTo("the image cannot be decoded: broken JPEG"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        As.admin().queryParam("service", "inference-service").queryParam("topic", Topics.IMAGES).queryParam("hospital", "hospital-dl")
                .queryParam("from", today).queryParam("to", tomorrow).queryParam("size", 200).get("/api/v1/deadletters")
                .then().statusCode(200).body("items.find { it.eventId == '" + letter.getEventId() + "' }.imageId",
                        equalTo(image.getImageId()))
                .body("items.find { it.eventId == '" + letter.getEventId() + "' }.redrivable", equalTo(true));
        As.admin().queryParam("service", "explain-service").queryParam("hospital", "hospital-dl").get("/api/v1/deadletters")
                .then().statusCode(200).body("items.findAll { it.eventId == '" + letter.getEventId() + "' }", hasSize(0));
        As.admin().queryParam("hospital", "hospital-dl").queryParam("to", today).get("/api/v1/deadletters")
                .then().statusCode(200).body("items.findAll { it.eventId == '" + letter.getEventId() + "' }", hasSize(0));
    }

    @Test
    void anImagesStatusFollowsItFromAcceptedThroughPredictedToExplained() {
        String caseId = "case-st-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + imageId + "/status").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("detail", containsString(imageId));
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-st", imageId, "sha256/ab/" + "ab".repeat(32), Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + imageId + "/status")
                .then().statusCode(200).body("state", equalTo("ACCEPTED")).body("caseId", equalTo(caseId)));
        PredictionMade prediction = AuditEvents.prediction(caseId, "hospital-st", imageId, AuditEvents.MODEL, Instant.now(), 0.1, 0.2,
                0.7, false);
        writer.send(Topics.PREDICTIONS, caseId, prediction);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + imageId + "/status")
                .then().statusCode(200).body("state", equalTo("PREDICTED")).body("reason", nullValue()));
        writer.send(Topics.EXPLANATIONS, caseId, ExplanationReady.newBuilder().setEventId(UUID.randomUUID().toString())
                .setPredictionEventId(prediction.getEventId()).setImageId(imageId).setCaseId(caseId).setHospitalId("hospital-st")
                .setExplainedAt(Instant.now()).setModel(AuditEvents.MODEL).setExplainedGroup(TreatmentGroup.MALIGNANT)
                .setMethod("grad-cam").setHeatmapRows(1).setHeatmapCols(1).setHeatmap(List.of(1f)).build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-dl", "hospital-dup", "hospital-st").get("/api/v1/images/" + imageId + "/status")
                .then().statusCode(200).body("state", equalTo("EXPLAINED")));
    }

    @Test
    void theSameSourceRecordDeadLetteredTwiceIsOnRecordOnceAndAnUnreadableDeadLetterDoesNotStopTheChannel() {
        String caseId = "case-dup-" + UUID.randomUUID().toString().substring(0, 8);
        ImageReceived image = AuditEvents.image(caseId, "hospital-dup", UUID.randomUUID().toString(), "sha256/ab/" + "ab".repeat(32),
                Instant.now());
        long offset = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        DeadLetter first = letter(image, "inference-service", Topics.IMAGES, offset, "the image cannot be decoded");
        DeadLetter again = DeadLetter.newBuilder(first).setEventId(UUID.randomUUID().toString()).build();
        new PoisonCorpus(RealInfrastructure.shared(), Topics.DEAD_LETTER)
                .raw("bytes that are not Avro on the dead-letter topic", "not a dead letter".getBytes(StandardCharsets.UTF_8), null)
                .send();
        writer.sendAll(Topics.DEAD_LETTER, List.of(first, again), DeadLetter::getCaseId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.admin().queryParam("hospital", "hospital-dup").queryParam("size", 200)
                .get("/api/v1/deadletters").then().statusCode(200)
                .body("items.findAll { it.caseId == '" + caseId + "' }", hasSize(1))
                .body("items.find { it.caseId == '" + caseId + "' }.eventId", equalTo(first.getEventId())));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("cytotriage_dead_letters_skipped_total")));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    static DeadLetter letter(ImageReceived image, String service, String topic, long offset, String reason) {
        return DeadLetter.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now()).setService(service)
                .setSourceTopic(topic).setSourcePartition(0).setSourceOffset(offset).setSourceKey(image.getCaseId())
                .setSourceEventId(image.getEventId()).setImageId(image.getImageId()).setCaseId(image.getCaseId())
                .setHospitalId(image.getHospitalId()).setReason(reason).setErrorClass("javax.imageio.IIOException").build();
    }
}
