package org.cytotriage.support.imagestore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.cytotriage.core.imagestore.DirectoryImageStore;
import org.cytotriage.core.imagestore.ImageStore;

/** Makes the configured image store a bean. */
public class ImageStoreProducer {

    @Produces
    @ApplicationScoped
    ImageStore imageStore(ImageStoreConfig config) {
        return new DirectoryImageStore(config.directory());
    }
}
