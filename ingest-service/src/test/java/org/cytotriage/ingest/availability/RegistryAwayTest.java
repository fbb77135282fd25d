package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** A service of its own (a profile), so its serializer has no schema cached yet and must ask the registry. */
@QuarkusTest
@TestProfile(RegistryAwayTest.FreshSerializer.class)
@WithTestResource(RealInfraTestResource.class)
class RegistryAwayTest {

    public static class FreshSerializer implements QuarkusTestProfile {
    }

    @Inject
    Availability availability;

    @Test
    void withTheSchemaRegistryAwayAnUploadIsAnswered503WithRetryAfterWithinThePublishTimeout() {
        RealInfrastructure.shared().registry().stop();
        try {
            long start = System.nanoTime();
            Response answer = upload();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            answer.then().statusCode(503).contentType("application/problem+json").header("Retry-After", availability.retryAfterSeconds())
                    .body("detail", containsString("could not be published"));
            assertThat(took).isLessThan(availability.publishTimeout().plusSeconds(1));
        } finally {
            RealInfrastructure.shared().registry().start();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of(200, 202).contains(upload().statusCode()));
    }

    private static Response upload() {
        return given().contentType("image/png").header("X-Hospital-Id", "hospital-a").body(TestImages.encoded("png", 60))
                .when().post("/api/v1/cases/case-registry-away/images");
    }
}
