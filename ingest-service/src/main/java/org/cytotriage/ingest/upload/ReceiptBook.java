package org.cytotriage.ingest.upload;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStoreException;
import org.cytotriage.ingest.availability.Availability;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.support.imagestore.ImageStoreConfig;
import org.jboss.logging.Logger;

/**
 * Publishes each image once, however often and however concurrently its bytes are posted for its
 * case: a retry after a time-out, a double click, a scanner that sends again.
 * <p>
 * Within this process, uploads of one image that overlap join the first one's attempt and share its
 * outcome. Across replicas, the receipts sit beside the image store on its shared volume: a receipt
 * (written once Kafka acknowledged the event) stops every later upload of the image from publishing
 * again, and a claim file, created exclusively while one replica publishes, turns another replica's
 * overlapping upload into a 503 with Retry-After, whose retry then finds the receipt.
 * <p>
 * What does not hold: a replica that dies between Kafka's acknowledgement and its receipt leaves a
 * claim and no receipt, and once the claim is stale a retry publishes a second ImageReceived for the
 * image; so does a retry after an acknowledgement that came too late to be seen. Both carry the same
 * image id, and audit-service's unique key on it keeps one record. A volume without an atomic
 * exclusive create (local disks and NFSv3 and later have one) would let two replicas claim at once.
 */
@ApplicationScoped
public class ReceiptBook {

    private static final Logger LOG = Logger.getLogger(ReceiptBook.class);

    private final Path directory;
    /** The first attempt's publish is bounded by the publish timeout; twice that covers its store commit too. */
    private final Duration joinTimeout;
    /** A live replica removes its claim within the publish timeout; an older claim was left by one that died. */
    private final Duration claimStaleAfter;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    ReceiptBook(ImageStoreConfig store, Availability availability) {
        this.directory = store.directory().resolve("receipts");
        this.joinTimeout = availability.publishTimeout().multipliedBy(2);
        this.claimStaleAfter = availability.publishTimeout().multipliedBy(5);
    }

    /** Runs {@code publish} unless the image was already published; true when this call published it. */
    public boolean publishOnce(String imageId, Runnable publish) {
        if (isPublished(imageId)) {
            return false;
        }
        CompletableFuture<Void> attempt = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(imageId, attempt);
        if (running != null) {
            join(running);
            return false;
        }
        try {
            boolean published = publishClaimed(imageId, publish);
            attempt.complete(null);
            return published;
        } catch (RuntimeException e) {
            attempt.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(imageId, attempt);
        }
    }

    private boolean publishClaimed(String imageId, Runnable publish) {
        Path claim = claim(imageId);
        try {
            if (isPublished(imageId)) {
                return false; // an upload that finished between the first look and the claim
            }
            publish.run();
            record(imageId);
            return true;
        } finally {
            deleteQuietly(claim);
        }
    }

    /** Waits for the attempt already running in this process; its failure is this upload's too. */
    private void join(CompletableFuture<Void> running) {
        try {
            running.get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw inFlight();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw inFlight();
        }
    }

    private Path claim(String imageId) {
        Path claim = directory.resolve(imageId + ".claim");
        try {
            Files.createDirectories(directory);
            if (isStale(claim)) {
                Files.deleteIfExists(claim);
            }
            return Files.createFile(claim);
        } catch (FileAlreadyExistsException held) {
            throw inFlight();
        } catch (IOException e) {
            throw new ImageStoreException("cannot claim the image beside the image store: " + e.getMessage(), e);
        }
    }

    private boolean isStale(Path claim) throws IOException {
        try {
            return Files.getLastModifiedTime(claim).toInstant().isBefore(Instant.now().minus(claimStaleAfter));
        } catch (NoSuchFileException none) {
            return false;
        }
    }

    private boolean isPublished(String imageId) {
        return Files.exists(directory.resolve(imageId));
    }

    /**
     * The event is on Kafka whatever happens here, so the upload is answered as accepted even when
     * the receipt cannot be written; a later upload of the same image then publishes it again.
     */
    private void record(String imageId) {
        try {
            Files.write(directory.resolve(imageId), new byte[0]);
        } catch (IOException e) {
            LOG.warnf("image %s is published but its receipt could not be written (%s): sent again, it is published again",
                    imageId, e.getMessage());
        }
    }

    private static void deleteQuietly(Path claim) {
        try {
            Files.deleteIfExists(claim);
        } catch (IOException e) {
            LOG.warnf("cannot remove claim %s (%s): uploads of this image get 503 until it is stale", claim, e.getMessage());
        }
    }

    private static UnavailableException inFlight() {
        return UnavailableException.unavailable("image-in-flight",
                "the same image is being accepted for this case by another request right now; send it again after Retry-After");
    }
}
