package org.cytotriage.inference.model;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A replica whose model volume is still empty when it starts: started and live, not ready, and the
 * readiness check says it is loading; once the model's files arrive it loads them and becomes ready.
 */
@QuarkusTest
@TestProfile(ModelLoadingHealthTest.EmptyModelDirectory.class)
@WithTestResource(RealInfraTestResource.class)
class ModelLoadingHealthTest {

    /** A fixed path: Quarkus loads this class twice, so a random one would differ between test and service. */
    private static final Path MODEL_DIRECTORY = Path.of("target/model-arriving").toAbsolutePath();

    public static class EmptyModelDirectory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            emptyDirectory(MODEL_DIRECTORY);
            return Map.of("cytotriage.inference.model-directory", MODEL_DIRECTORY.toString(),
                    "cytotriage.inference.files-poll-interval", "200ms");
        }
    }

    @Test
    void readinessIsDownWhileTheModelLoadsAndUpOnceItIsLive() throws IOException {
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'model' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'model' }.data.state", equalTo("loading"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);

        // As training/ writes a model: the ONNX file first, the card last.
        Path shipped = ShippedModels.directory(ShippedModels.BASIC);
        Files.copy(shipped.resolve("model.onnx"), MODEL_DIRECTORY.resolve("model.onnx"));
        Files.copy(shipped.resolve("assessability.json"), MODEL_DIRECTORY.resolve("assessability.json"));
        Files.copy(shipped.resolve(ModelCard.FILE), MODEL_DIRECTORY.resolve(ModelCard.FILE));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'model' }.data.version", equalTo(ModelCard.read(shipped).version()));
        given().get("/q/health/live").then().statusCode(200);
    }

    static void emptyDirectory(Path directory) {
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
            }
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
