package org.cytotriage.support.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the image store can be written: every service reads or writes images. */
@Readiness
@ApplicationScoped
public class ImageStoreReadiness implements HealthCheck {

    private final ImageStore store;

    ImageStoreReadiness(ImageStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("image-store").status(store.isWritable()).build();
    }
}
