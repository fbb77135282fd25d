package org.cytotriage.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.registry.SchemaRegistration;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.infra.KafkaBroker;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release command as an operator runs it: a key, a signed directory, a publication on the real broker. */
class ReleaseCommandTest {

    @TempDir
    Path work;

    @Test
    void keygenWritesAStandardPrivateKeyOnlyItsOwnerReadsAndThePublicLineOfATrustList() throws Exception {
        assertThat(ReleaseCommand.run("keygen", work.resolve("release").toString())).isZero();

        assertThat(Files.getPosixFilePermissions(work.resolve("release.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // openssl reads the private key and derives the same public key as the trust list's line.
        Process openssl = new ProcessBuilder("openssl", "pkey", "-in", work.resolve("release.key").toString(), "-pubout", "-outform", "DER")
                .redirectErrorStream(false).start();
        byte[] der = openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        assertThat(Base64.getEncoder().encodeToString(der)).isEqualTo(Files.readString(work.resolve("release.pub")).trim());
    }

    @Test
    void aSignedDirectoryVerifiesWithThePublicKeyAndIsPublishedOnTheModelsTopic() throws Exception {
        ReleaseCommand.run("keygen", work.resolve("release").toString());
        Path model = copyOfTheShippedBasicModel();
        String version = new com.fasterxml.jackson.databind.ObjectMapper().readTree(model.resolve("model-card.json").toFile())
                .get("version").asText();

        assertThat(ReleaseCommand.run("sign", model.toString(), "--key", work.resolve("release.key").toString())).isZero();
        ModelRelease release = ModelRelease.read(model);
        assertThat(release.files()).containsKeys("model.onnx", "model-card.json");
        assertThatCode(() -> release.verify(model, "thyroideffi-basic", version,
                List.of(ModelRelease.publicKey(Files.readString(work.resolve("release.pub")))))).doesNotThrowAnyException();

        RealInfrastructure infra = RealInfrastructure.shared();
        assertThat(ReleaseCommand.run("publish", model.toString(), "--bootstrap-servers", infra.kafka().bootstrapServers(),
                "--registry-url", infra.registry().apiUrl(), "--approved-by", "release-manager",
                "--client-config", clientConfig(infra).toString())).isZero();
        List<ConsumerRecord<String, ModelPublished>> published = new TopicReader(infra).read(Topics.MODELS, ModelPublished.class,
                p -> p.getLocation().equals(model.toAbsolutePath().normalize().toString()), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(published).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("thyroideffi-basic");
            assertThat(record.value().getModel().getVersion()).isEqualTo(version);
            assertThat(record.value().getApprovedBy()).isEqualTo("release-manager");
        });
    }

    @Test
    void anUnsignedDirectoryIsNotPublished() throws Exception {
        RealInfrastructure infra = RealInfrastructure.shared();
        assertThat(ReleaseCommand.run("publish", copyOfTheShippedBasicModel().toString(), "--bootstrap-servers",
                infra.kafka().bootstrapServers(), "--registry-url", infra.registry().apiUrl(), "--approved-by", "x",
                "--client-config", clientConfig(infra).toString())).isEqualTo(1);
    }

    /** What an operator writes for the release principal: its TLS and SCRAM settings, the registry's credentials. */
    private Path clientConfig(RealInfrastructure infra) throws IOException {
        java.util.Properties config = new java.util.Properties();
        infra.kafka().clientConfig("model-release").forEach((key, value) -> config.setProperty(key, String.valueOf(value)));
        infra.registry().serdeConfig("model-release").forEach((key, value) -> config.setProperty(key, String.valueOf(value)));
        // The deploy step has registered the build's schemas: the release command registers none.
        SchemaRegistration.register(infra.registry().apiUrl(), KafkaBroker.ADMIN, infra.registry().password(KafkaBroker.ADMIN));
        Path file = work.resolve("release-client.properties");
        try (var out = Files.newOutputStream(file)) {
            config.store(out, "the release principal");
        }
        return file;
    }

    private Path copyOfTheShippedBasicModel() throws IOException {
        Path shipped = ProjectLayout.locate().root().resolve("models/thyroideffi-basic");
        Path copy = Files.createDirectories(work.resolve("thyroideffi-basic-" + System.nanoTime()));
        for (String file : List.of("model.onnx", "assessability.json", "model-card.json")) {
            Files.copy(shipped.resolve(file), copy.resolve(file));
        }
        return copy;
    }
}
