package org.cytotriage.support.health;

import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.ImageStoreException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Ready only while the image store can be written and has room: every service reads or writes
 * images, and a store below its free-space floor is as good as full (ingest refuses uploads then,
 * with the same figure, through {@link #shortOfSpace()}).
 */
@Readiness
@ApplicationScoped
public class ImageStoreReadiness implements HealthCheck {

    /** How much room the image store must keep. */
    @ConfigMapping(prefix = "cytotriage.image-store.free-space")
    public interface FreeSpace {

        /**
         * Below this the store counts as full. It holds the uploads ingest may have in flight
         * (each staged whole on the store's volume, up to its size limit) with room to spare.
         */
        @WithDefault("1G")
        MemorySize floor();
    }

    private final ImageStore store;
    private final long floor;

    ImageStoreReadiness(ImageStore store, FreeSpace freeSpace) {
        this.store = store;
        this.floor = freeSpace.floor().asLongValue();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("image-store");
        if (!store.isWritable()) {
            return response.down().withData("error", "the image store cannot be written").build();
        }
        try {
            long usable = store.usableSpace();
            return response.status(usable >= floor).withData("free", mebibytes(usable)).withData("floor", mebibytes(floor)).build();
        } catch (ImageStoreException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    /** Why the store cannot take an upload now for want of room, or empty when it can. */
    public Optional<String> shortOfSpace() {
        long usable = store.usableSpace();
        return usable >= floor ? Optional.empty()
                : Optional.of("the image store has " + mebibytes(usable) + " free, below its floor of " + mebibytes(floor));
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
