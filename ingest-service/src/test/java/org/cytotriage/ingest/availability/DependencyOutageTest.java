package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.Scanners;
import org.cytotriage.ingest.TestImages;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class DependencyOutageTest {

    @Inject
    Availability availability;

    @ConfigProperty(name = "cytotriage.image-store.directory")
    Path imageStore;

    @Test
    void withTheBrokerAwayAnUploadIsAnswered503WithRetryAfterWithinThePublishTimeoutAndAcceptedOnceItIsBack() {
        // The usual outage: the broker goes away under an ingest that has been publishing.
        AcceptingIngest.awaitAccepting();

        RealInfrastructure.shared().kafka().stop();
        try {
            long start = System.nanoTime();
            Response answer = upload("case-outage-1", 31);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            answer.then().statusCode(503).contentType("application/problem+json").header("Retry-After", availability.retryAfterSeconds())
                    .body("status", equalTo(503));
            assertThat(took).as("answered within the publish timeout").isLessThan(answerBound());
            // A second upload meets the producer already knowing the broker is gone: bounded the same.
            start = System.nanoTime();
            upload("case-outage-2", 32).then().statusCode(503).header("Retry-After", availability.retryAfterSeconds());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(answerBound());
        } finally {
            RealInfrastructure.shared().kafka().start();
        }

        // Sent again as Retry-After says, the same upload is accepted.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of(200, 202).contains(upload("case-outage-1", 31).statusCode()));
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void withTheImageStoreUnwritableAnUploadIsAnswered503AndReadinessSaysSo() throws IOException {
        AcceptingIngest.awaitAccepting();
        Path away = imageStore.resolveSibling(imageStore.getFileName() + "-away");
        Files.move(imageStore, away);
        Files.createFile(imageStore); // where the volume should be mounted, something that is not a directory
        try {
            upload("case-store-away-1", 33).then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", availability.retryAfterSeconds())
                    .body("type", equalTo("urn:cytotriage:problem:image-store-unavailable"))
                    .body("detail", containsString("image store cannot be written"));
            Scanners.of("hospital-a").multiPart("image", "smear.png", TestImages.encoded("png", 34), "image/png").multiPart("hospitalId", "hospital-a")
                    .when().post("/api/v1/cases/case-store-away-2/images")
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", availability.retryAfterSeconds());
            given().when().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'image-store' }.status", equalTo("DOWN"));
        } finally {
            Files.delete(imageStore);
            Files.move(away, imageStore);
        }
        upload("case-store-away-1", 33).then().statusCode(202);
    }

    private static Response upload(String caseId, int seed) {
        return Scanners.of("hospital-a").contentType("image/png").body(TestImages.encoded("png", seed))
                .when().post("/api/v1/cases/" + caseId + "/images");
    }

    private List<Path> stagingFiles() {
        try (var files = Files.list(imageStore.resolve("incoming"))) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The publish timeout, and 2 s for the rest of the upload on a busy build machine. */
    private Duration answerBound() {
        return availability.publishTimeout().plusSeconds(2);
    }
}
