package org.cytotriage.audit.model;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Who released what: every publication audit-service sees is on record, taken with its signer or refused with the reason. */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class ModelHistoryTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Test
    void aSignedReleaseIsOnRecordAsTakenWithItsSignerAndAForgedOneAsRefusedWithTheReason() throws IOException {
        String name = "history-" + UUID.randomUUID().toString().substring(0, 8);
        Path signed = card(name, "1.0.0");
        ModelRelease release = ModelReleases.sign(signed, name, "1.0.0", false);
        Path forged = card(name, "1.1.0");
        ModelReleases.forge(forged, name, "1.1.0");

        writer.send(Topics.MODELS, name, publication(name, "1.0.0", signed, "dr. lead"));
        writer.send(Topics.MODELS, name, publication(name, "1.1.0", forged, "nobody"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().get("/api/v1/models/" + name + "/history").then()
                .statusCode(200).body("size()", equalTo(2))
                .body("find { it.version == '1.0.0' }.outcome", equalTo("TAKEN"))
                .body("find { it.version == '1.0.0' }.signer", equalTo(release.keyId()))
                .body("find { it.version == '1.0.0' }.approvedBy", equalTo("dr. lead"))
                .body("find { it.version == '1.1.0' }.outcome", equalTo("REFUSED"))
                .body("find { it.version == '1.1.0' }.reason", containsString("not a trusted release key")));
        As.cytopathologist("hospital-a").get("/api/v1/models/" + name + "/history").then().statusCode(403);
    }

    private static Path card(String name, String version) throws IOException {
        Path directory = Files.createDirectories(ModelReleases.root().resolve(name + "-" + version));
        new ObjectMapper().writeValue(directory.resolve("model-card.json").toFile(), Map.of("name", name, "version", version,
                "sha256", sha(version), "label", "NOT FOR CLINICAL USE"));
        return directory;
    }

    private static String sha(String version) {
        return (version.replace(".", "") + "0".repeat(64)).substring(0, 64);
    }

    private static ModelPublished publication(String name, String version, Path directory, String approvedBy) {
        return ModelPublished.newBuilder().setEventId(UUID.randomUUID().toString()).setPublishedAt(Instant.now())
                .setModel(ModelRef.newBuilder().setName(name).setVersion(version).setSha256(sha(version)).build()).setVariant("BASIC")
                .setLocation(directory.toString()).setApprovedBy(approvedBy).build();
    }
}
