package org.cytotriage.ingest.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class ReadinessFollowsKafkaTest {

    @Test
    void readinessGoesDownWithTheBrokerAndUpWhenItReturns() {
        given().when().get("/q/health/live").then().statusCode(200);
        // Tests before this one may have stopped the broker: SmallRye computes the startup check anew
        // on each call (an idle producer reconnects lazily), which only a startup probe reads.
        awaitHealth("/q/health/started", 200);
        awaitReadiness(200);
        given().when().get("/q/health/ready").then()
                .body("checks.name", hasItem("schema-registry"))
                .body("checks.name", hasItem("image-store"));

        RealInfrastructure.shared().kafka().stop();
        try {
            awaitReadiness(503);
            given().when().get("/q/health/live").then().statusCode(200);
        } finally {
            RealInfrastructure.shared().kafka().start();
        }
        awaitReadiness(200);
    }

    private static void awaitReadiness(int status) {
        awaitHealth("/q/health/ready", status);
    }

    private static void awaitHealth(String path, int status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().when().get(path).statusCode() == status);
    }
}
