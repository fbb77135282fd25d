package org.cytotriage.support.imagestore;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * Reads an image's bytes from the image store, retrying what may be transient: a read error, or a
 * blob not visible yet (a shared volume or a bucket may show an event before the bytes it names).
 * Attempts and delays are configuration ({@code quarkus.fault-tolerance."...ImageFetcher/fetch".retry.*}).
 */
@ApplicationScoped
public class ImageFetcher {

    private final ImageStore store;

    ImageFetcher(ImageStore store) {
        this.store = store;
    }

    // Not retried: a key that is not an image store key at all (forged, or a path) stays one.
    @Retry(maxRetries = 4, delay = 200, jitter = 100, delayUnit = ChronoUnit.MILLIS, maxDuration = 10_000,
            abortOn = IllegalArgumentException.class)
    public byte[] fetch(String key) {
        return store.get(key).orElseThrow(() -> new MissingImageException("image " + key + " is not in the image store"));
    }

    /** The image store has no blob under the key an event names. */
    public static final class MissingImageException extends RuntimeException {
        MissingImageException(String message) {
            super(message);
        }
    }
}
