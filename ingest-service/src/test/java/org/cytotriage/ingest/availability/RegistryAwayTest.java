package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.ingest.Scanners;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** A service of its own (a profile), so its serializer has no schema cached yet and must ask the registry. */
@QuarkusTest
@TestProfile(RegistryAwayTest.FreshSerializer.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class RegistryAwayTest {

    public static class FreshSerializer implements QuarkusTestProfile {
    }

    @Inject
    Availability availability;

    @Test
    void withTheSchemaRegistryAwayAnUploadIsAnswered503WithRetryAfterWithinThePublishTimeout() {
        // Warm the upload path (HTTP, the store, the decoders) with an upload that is refused before it
        // is published, so the serializer's cache stays empty and the time measured below is the wait.
        byte[] png = TestImages.encoded("png", 61);
        Scanners.of("hospital-a").contentType("image/png").body(Arrays.copyOf(png, png.length / 2))
                .when().post("/api/v1/cases/case-registry-warm-up/images").then().statusCode(422);
        RealInfrastructure.shared().registry().stop();
        try {
            long start = System.nanoTime();
            Response answer = upload();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            answer.then().statusCode(503).contentType("application/problem+json").header("Retry-After", availability.retryAfterSeconds())
                    .body("detail", containsString("published"));
            assertThat(took).isLessThan(answerBound());
        } finally {
            RealInfrastructure.shared().registry().start();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of(200, 202).contains(upload().statusCode()));
    }

    private static Response upload() {
        return Scanners.of("hospital-a").contentType("image/png").body(TestImages.encoded("png", 60))
                .when().post("/api/v1/cases/case-registry-away/images");
    }

    /** The publish timeout, and 2 s for the rest of the upload on a busy build machine. */
    private Duration answerBound() {
        return availability.publishTimeout().plusSeconds(2);
    }
}
