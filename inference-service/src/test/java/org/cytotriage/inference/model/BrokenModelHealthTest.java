package org.cytotriage.inference.model;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A configured model whose ONNX file does not match its card's sha256 (a corrupted copy): the replica
 * can never serve it, so liveness as well as readiness goes DOWN, with the reason.
 */
@QuarkusTest
@TestProfile(BrokenModelHealthTest.CorruptedModel.class)
@WithTestResource(RealInfraTestResource.class)
class BrokenModelHealthTest {

    public static class CorruptedModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.inference.model-directory", corruptedCopy().toString());
        }
    }

    @Test
    void aModelThatFailsItsChecksumTakesLivenessDownWithTheReason() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/live").statusCode() == 503);
        given().get("/q/health/live").then()
                .body("checks.find { it.name == 'model' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'model' }.data.reason", containsString("sha256"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'model' }.data.state", containsString("cannot be loaded"));
    }

    /** The shipped Basic model with its last byte changed. */
    private static Path corruptedCopy() {
        try {
            Path shipped = ShippedModels.directory(ShippedModels.BASIC);
            Path copy = Path.of("target/model-corrupted").toAbsolutePath();
            ModelLoadingHealthTest.emptyDirectory(copy);
            byte[] onnx = Files.readAllBytes(shipped.resolve("model.onnx"));
            onnx[onnx.length - 1] ^= 1;
            Files.write(copy.resolve("model.onnx"), onnx);
            Files.copy(shipped.resolve("assessability.json"), copy.resolve("assessability.json"));
            Files.copy(shipped.resolve(ModelCard.FILE), copy.resolve(ModelCard.FILE));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
