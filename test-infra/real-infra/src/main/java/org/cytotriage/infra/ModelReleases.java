package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import org.cytotriage.core.release.ModelRelease;

/**
 * Model releases for the tests: one release key made per run (never a key kept in the repository),
 * which the services that {@link RealInfraTestResource} configures trust, and the model root they
 * take publications from. A test puts its model directory under {@link #root()} and signs it here,
 * as the release command does in production.
 */
public final class ModelReleases {

    private ModelReleases() {
    }

    /** Where published models must lie for the services under test. */
    public static Path root() {
        return RealInfrastructure.shared().modelRoot();
    }

    /** A new, empty directory under the root for a model to be published. */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(root(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A signed release of a model directory's card and weights (its name and version from its card)
     * under the root, as the release command would stage and sign it.
     */
    public static Path releaseOf(Path model) {
        try {
            com.fasterxml.jackson.databind.JsonNode card = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(model.resolve("model-card.json").toFile());
            return signedCopy(model, card.get("name").asText(), card.get("version").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the card of " + model, e);
        }
    }

    /** The same card and weights under the root, signed as this model and version (whatever the card says). */
    public static Path signedCopy(Path model, String name, String version) {
        try {
            Path copy = newDirectory(model.getFileName() + "-");
            for (String file : new String[] {"model.onnx", "assessability.json", "model-card.json"}) {
                Files.copy(model.resolve(file), copy.resolve(file));
            }
            sign(copy, name, version, false);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage a release of " + model, e);
        }
    }

    /** Signs the directory as this release, with the run's trusted release key. */
    public static ModelRelease sign(Path directory, String model, String version, boolean rollback) {
        ModelRelease release = ModelRelease.sign(directory, model, version, rollback, RealInfrastructure.shared().releaseKey());
        release.write(directory);
        return release;
    }

    /** Signs it with a key of its own that no service trusts: a forged release. */
    public static ModelRelease forge(Path directory, String model, String version) {
        KeyPair forger = ModelRelease.generateKey();
        ModelRelease release = ModelRelease.sign(directory, model, version, false, forger);
        release.write(directory);
        return release;
    }
}
