package org.cytotriage.ingest.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.support.imagestore.ImageStoreConfig;

/**
 * Remembers which images were already published, so the same bytes posted again for the same case
 * give no second event. Kept beside the image store (a shared volume when replicated); a marker is
 * written only after the broker acknowledged the event.
 */
@ApplicationScoped
public class ReceiptBook {

    private final Path directory;

    ReceiptBook(ImageStoreConfig store) {
        this.directory = store.directory().resolve("receipts");
    }

    public boolean isPublished(String imageId) {
        return Files.exists(directory.resolve(imageId));
    }

    public void markPublished(String imageId) {
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(imageId), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record receipt of image " + imageId, e);
        }
    }
}
