package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.ingest.Scanners;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** No disk has a petabyte free: with that floor, the store counts as full, as a real full volume would. */
@QuarkusTest
@TestProfile(FullImageStoreTest.PetabyteFloor.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class FullImageStoreTest {

    public static class PetabyteFloor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.image-store.free-space.floor", "1000000G");
        }
    }

    @Inject
    Availability availability;

    @Test
    void anImageStoreBelowItsFreeSpaceFloorRefusesUploadsWith507AndTakesReadinessDownWithTheFigures() {
        Scanners.of("hospital-a").contentType("image/png").body(TestImages.encoded("png", 70))
                .when().post("/api/v1/cases/case-store-full/images")
                .then().statusCode(507).contentType("application/problem+json").header("Retry-After", availability.retryAfterSeconds())
                .body("type", equalTo("urn:cytotriage:problem:image-store-full"))
                .body("detail", containsString("free, below its floor of 1024000000.0 MiB"));

        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'image-store' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'image-store' }.data.free", notNullValue())
                .body("checks.find { it.name == 'image-store' }.data.floor", equalTo("1024000000.0 MiB"));
    }
}
