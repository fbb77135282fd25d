package org.cytotriage.core.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import org.cytotriage.core.imagestore.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReleaseTest {

    private final KeyPair releaseKey = ModelRelease.generateKey();

    @TempDir
    Path model;

    @BeforeEach
    void aModelDirectory() throws IOException {
        Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
        Files.writeString(model.resolve("model-card.json"), "{\"name\": \"m\", \"version\": \"2.0.0\"}");
        Files.createDirectories(model.resolve("reference"));
        Files.writeString(model.resolve("reference/case-1.json"), "{}");
    }

    @Test
    void aSignedReleaseReadBackFromItsDirectoryVerifiesWithTheTrustedKey() throws Exception {
        ModelRelease.sign(model, "m", "2.0.0", false, releaseKey).write(model);

        ModelRelease read = ModelRelease.read(model);
        assertThat(read.files()).containsOnlyKeys("model.onnx", "model-card.json", "reference/case-1.json")
                .containsEntry("model.onnx", Sha256.hex(new byte[] {1, 2, 3, 4}));
        assertThat(read.keyId()).isEqualTo(ModelRelease.keyId(releaseKey.getPublic())).hasSize(16);
        assertThatCode(() -> read.verify(model, "m", "2.0.0", List.of(releaseKey.getPublic()))).doesNotThrowAnyException();
        // The trust list's form of the key is the same key.
        assertThat(ModelRelease.publicKey(ModelRelease.encoded(releaseKey.getPublic()))).isEqualTo(releaseKey.getPublic());
    }

    @Test
    void aReleaseSignedWithAKeyNotTrustedIsRefused() throws Exception {
        KeyPair forger = ModelRelease.generateKey();
        ModelRelease.sign(model, "m", "2.0.0", false, forger).write(model);

        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", List.of(releaseKey.getPublic())))
                .isInstanceOf(ModelRelease.RefusedException.class).hasMessageContaining("not a trusted release key");
    }

    @Test
    void aForgedSignatureUnderATrustedKeysIdIsRefused() throws Exception {
        ModelRelease forged = ModelRelease.sign(model, "m", "2.0.0", false, ModelRelease.generateKey());
        new ModelRelease("m", "2.0.0", false, forged.files(), ModelRelease.keyId(releaseKey.getPublic()), forged.signature()).write(model);

        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", List.of(releaseKey.getPublic())))
                .isInstanceOf(ModelRelease.RefusedException.class).hasMessageContaining("does not verify");
    }

    @Test
    void aFileChangedAddedOrRemovedAfterSigningIsRefused() throws Exception {
        ModelRelease.sign(model, "m", "2.0.0", false, releaseKey).write(model);
        List<java.security.PublicKey> trusted = List.of(releaseKey.getPublic());

        Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 5});
        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", trusted))
                .hasMessageContaining("model.onnx has changed since it was signed");
        Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
        Files.writeString(model.resolve("extra.onnx"), "smuggled");
        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", trusted))
                .hasMessageContaining("extra.onnx").hasMessageContaining("not part of the signed release");
        Files.delete(model.resolve("extra.onnx"));
        Files.delete(model.resolve("reference/case-1.json"));
        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", trusted))
                .hasMessageContaining("reference/case-1.json is missing");
    }

    @Test
    void aReleaseOfAnotherVersionThanPublishedOrARollbackFlagChangedAfterSigningIsRefused() throws Exception {
        ModelRelease signed = ModelRelease.sign(model, "m", "2.0.0", false, releaseKey);
        signed.write(model);
        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "3.0.0", List.of(releaseKey.getPublic())))
                .hasMessageContaining("the publication names m 3.0.0");

        new ModelRelease("m", "2.0.0", true, signed.files(), signed.keyId(), signed.signature()).write(model);
        assertThatThrownBy(() -> ModelRelease.read(model).verify(model, "m", "2.0.0", List.of(releaseKey.getPublic())))
                .hasMessageContaining("does not verify");
    }

    @Test
    void aDirectoryWithoutAReleaseIsNotASignedRelease() {
        assertThatThrownBy(() -> ModelRelease.read(model)).isInstanceOf(ModelRelease.RefusedException.class)
                .hasMessageContaining("holds no release.json");
    }

    /** The signed text is what sha256sum prints for the files, under a header naming the model: checked here by hand. */
    @Test
    void theSignedTextListsTheFilesAsSha256sumDoes() throws IOException {
        String text = new String(ModelRelease.payload("m", "2.0.0", false, ModelRelease.sign(model, "m", "2.0.0", false, releaseKey).files()),
                StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("cytotriage-model-release-v1\nmodel m\nversion 2.0.0\nrollback false\n"
                + Sha256.hex(Files.readAllBytes(model.resolve("model-card.json"))) + "  model-card.json\n"
                + Sha256.hex(new byte[] {1, 2, 3, 4}) + "  model.onnx\n"
                + Sha256.hex("{}".getBytes(StandardCharsets.UTF_8)) + "  reference/case-1.json\n");
    }
}
