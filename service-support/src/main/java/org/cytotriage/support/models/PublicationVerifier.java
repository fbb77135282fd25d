package org.cytotriage.support.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.core.release.ModelVersions;
import org.cytotriage.events.v1.ModelPublished;
import org.jboss.logging.Logger;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * The one check of a model publication before a service takes it: the directory lies under the
 * model root, holds a release signed by a trusted key over exactly its files, for the model and
 * version published, and that version is newer than the newest the service has (or the release is
 * signed as a rollback). A publication the service already has (a replay of the topic, the
 * configured model announced again) passes the version rule, not the signature.
 */
@ApplicationScoped
@IfBuildProperty(name = "cytotriage.models.follow-publications", stringValue = "true")
public class PublicationVerifier {

    private static final Logger LOG = Logger.getLogger(PublicationVerifier.class);

    private final List<PublicKey> trusted;
    private final Optional<Path> root;

    PublicationVerifier(ReleaseConfig config) {
        this.trusted = config.trustedKeys().orElse(List.of()).stream().map(ModelRelease::publicKey).toList();
        this.root = config.modelRoot().map(PublicationVerifier::real);
        if (trusted.isEmpty() || root.isEmpty()) {
            LOG.warn("no trusted release keys or no model root configured (cytotriage.models.release.*): "
                    + "every model publication is refused, and the configured model stays in use");
        }
    }

    /**
     * @param models what the service has, for the version rule
     * @return the verified release (its signer's key id is {@link ModelRelease#keyId()})
     * @throws ModelRelease.RefusedException with the reason the publication is not taken
     */
    public ModelRelease verify(ModelPublished publication, PublishedModels models) throws ModelRelease.RefusedException {
        if (trusted.isEmpty() || root.isEmpty()) {
            throw new ModelRelease.RefusedException("this service trusts no release key or has no model root "
                    + "(cytotriage.models.release.trusted-keys, .model-root)");
        }
        Path location = Path.of(publication.getLocation());
        if (!Files.isDirectory(location)) {
            throw new ModelRelease.RefusedException("no model directory at " + location);
        }
        Path resolved = real(location);
        if (!resolved.startsWith(root.get())) {
            throw new ModelRelease.RefusedException(location + " lies outside the model root " + root.get());
        }
        String name = publication.getModel().getName();
        String version = publication.getModel().getVersion();
        ModelRelease release = ModelRelease.read(resolved);
        release.verify(resolved, name, version, trusted);
        if (models.has(publication.getModel())) {
            return release;
        }
        Optional<String> newest = models.newestVersion(name);
        if (newest.isPresent() && ModelVersions.compare(version, newest.get()) == 0) {
            throw new ModelRelease.RefusedException(name + " " + version + " is already released with another sha256 than "
                    + publication.getModel().getSha256() + ": a new release is a new version");
        }
        if (newest.isPresent() && ModelVersions.compare(version, newest.get()) < 0 && !release.rollback()) {
            throw new ModelRelease.RefusedException(name + " " + version + " is not newer than " + newest.get()
                    + ", the newest this service has: a rollback is released as one (signed with rollback true)");
        }
        return release;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
