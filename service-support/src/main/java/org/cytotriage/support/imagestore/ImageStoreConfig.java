package org.cytotriage.support.imagestore;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;

/** Where the image store keeps its bytes. */
@ConfigMapping(prefix = "cytotriage.image-store")
public interface ImageStoreConfig {

    /** A directory (a shared volume when services run on several hosts). */
    Path directory();
}
