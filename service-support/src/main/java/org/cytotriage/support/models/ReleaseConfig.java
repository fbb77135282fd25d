package org.cytotriage.support.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Who may release a model, and from where: one trust list and one model root, the same for every
 * service that follows publications. Without a trust list or a root, no publication is taken (the
 * configured model stays in use).
 */
@ConfigMapping(prefix = "cytotriage.models.release")
public interface ReleaseConfig {

    /** The release keys whose signature a published model may carry: base64 X.509 Ed25519 public keys. */
    Optional<List<String>> trustedKeys();

    /** Where every published model must lie, once links are resolved. */
    Optional<Path> modelRoot();
}
