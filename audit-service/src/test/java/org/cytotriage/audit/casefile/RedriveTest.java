package org.cytotriage.audit.casefile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class RedriveTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void aRedrivePublishesTheImageOnceMoreUnderANewEventIdIsRecordedAndAskingAgainChangesNothing() {
        String caseId = "case-rd-" + UUID.randomUUID().toString().substring(0, 8);
        ImageReceived image = AuditEvents.image(caseId, "hospital-rd", UUID.randomUUID().toString(), "sha256/ab/" + "ab".repeat(32),
                Instant.now());
        writer.send(Topics.IMAGES, caseId, image);
        DeadLetter letter = letter(image);
        writer.send(Topics.DEAD_LETTER, caseId, letter);
        // The image and its letter arrive on two channels: wait for both on record.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-rd").get("/api/v1/cases/" + caseId)
                .then().statusCode(200).body("images[0].imageId", equalTo(image.getImageId()))
                .body("images[0].notProcessed", notNullValue()));

        // A body naming someone else changes nothing: the re-drive is the signed-in operator's.
        String redriveEventId = As.admin().contentType(ContentType.JSON).body(Map.of("redrivenBy", "someone-else"))
                .post("/api/v1/deadletters/" + letter.getEventId() + "/redrive").then().statusCode(200)
                .body("redrive.by", equalTo(Tokens.username(Roles.ADMIN))).body("redrive.at", notNullValue()).body("redrivable", equalTo(false))
                .extract().path("redrive.eventId");
        given().auth().oauth2(Tokens.of(Set.of(Roles.ADMIN, Roles.AUDITOR)))
                .post("/api/v1/deadletters/" + letter.getEventId() + "/redrive").then().statusCode(200)
                .body("redrive.eventId", equalTo(redriveEventId)).body("redrive.by", equalTo(Tokens.username(Roles.ADMIN)));
        As.cytopathologist("hospital-rd").post("/api/v1/deadletters/" + letter.getEventId() + "/redrive").then().statusCode(403);

        List<ImageReceived> published = reader.read(Topics.IMAGES, ImageReceived.class, i -> i.getImageId().equals(image.getImageId()),
                found -> found.size() >= 2, Duration.ofSeconds(30)).stream().map(r -> r.value()).toList();
        // A short extra read: a second re-drive would have been published by now.
        assertThat(reader.read(Topics.IMAGES, ImageReceived.class, i -> i.getImageId().equals(image.getImageId()), found -> false,
                Duration.ofSeconds(3))).hasSize(2);
        assertThat(published).extracting(ImageReceived::getEventId).containsExactlyInAnyOrder(image.getEventId(), redriveEventId);
        ImageReceived again = published.stream().filter(i -> i.getEventId().equals(redriveEventId)).findFirst().orElseThrow();
        assertThat(again.getImage()).isEqualTo(image.getImage());
        assertThat(again.getCaseId()).isEqualTo(caseId);
        As.cytopathologist("hospital-rd").get("/api/v1/images/" + image.getImageId() + "/status").then().statusCode(200).body("state", equalTo("ACCEPTED"));
    }

    @Test
    void aDeadLetterNamingNoImageOnRecordCannotBeRedrivenAndSaysWhy() {
        ImageReceived never = AuditEvents.image("case-rd-none", "hospital-rd", UUID.randomUUID().toString(), "sha256/ab/" + "ab".repeat(32),
                Instant.now());
        DeadLetter letter = letter(never);
        writer.send(Topics.DEAD_LETTER, never.getCaseId(), letter);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-rd").get("/api/v1/images/" + never.getImageId() + "/status")
                .then().statusCode(200).body("state", equalTo("NOT_PROCESSED")));

        As.admin().post("/api/v1/deadletters/" + letter.getEventId() + "/redrive").then().statusCode(409)
                .contentType(containsString("application/problem+json")).body("detail", containsString("is not on record"));
        As.admin().post("/api/v1/deadletters/no-such-letter/redrive").then().statusCode(404);
    }

    private static DeadLetter letter(ImageReceived image) {
        return DeadLetter.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now()).setService("inference-service")
                .setSourceTopic(Topics.IMAGES).setSourcePartition(0).setSourceOffset(Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L))
                .setSourceKey(image.getCaseId()).setSourceEventId(image.getEventId()).setImageId(image.getImageId())
                .setCaseId(image.getCaseId()).setHospitalId(image.getHospitalId())
                .setReason("image " + image.getImage().getKey() + " is not in the image store").build();
    }
}
