package org.cytotriage.audit.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.PostgresServer;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The database goes away while events keep arriving: readiness goes DOWN, liveness stays UP (an
 * outage is not a reason to restart), the API answers 503 problem+json, the events wait in Kafka and
 * are recorded once the database is back, and readiness comes UP again.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DatabaseOutageTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Test
    void readinessFollowsTheDatabaseAndNothingPublishedMeanwhileIsLost() {
        awaitReadiness(200);
        PostgresServer database = RealInfrastructure.shared().postgres();
        String caseId = "case-outage-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();

        database.stop();
        try {
            awaitReadiness(503);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
            As.cytopathologist("hospital-outage").get("/api/v1/cases").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("urn:cytotriage:problem:database-unavailable"));
            writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-outage", imageId, "sha256/ab/" + "ab".repeat(32),
                    Instant.now()));
            PredictionMade prediction = AuditEvents.prediction(caseId, "hospital-outage", imageId, AuditEvents.MODEL, Instant.now(),
                    0.2, 0.7, 0.1, false);
            writer.send(Topics.PREDICTIONS, caseId, prediction);
            // Recording keeps failing; the consumers wait and retry instead of giving up their channels.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/q/health/live").statusCode() == 200);
        } finally {
            database.start();
        }

        awaitReadiness(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                As.cytopathologist("hospital-outage").get("/api/v1/cases/" + caseId).then().statusCode(200)
                        .body("images[0].imageId", equalTo(imageId))
                        .body("images[0].prediction.group", equalTo("INDETERMINATE")));
        given().get("/q/health/live").then().statusCode(200);
    }

    private static void awaitReadiness(int status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> given().get("/q/health/ready").statusCode() == status);
    }
}
