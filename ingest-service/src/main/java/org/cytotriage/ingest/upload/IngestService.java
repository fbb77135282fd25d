package org.cytotriage.ingest.upload;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.ingest.publish.ImageReceivedPublisher;
import org.cytotriage.ingest.validation.ImageValidator;
import org.cytotriage.ingest.validation.ValidatedImage;

import io.micrometer.core.annotation.Counted;
import io.micrometer.core.annotation.Timed;

/** Validate, store, publish: the one path every image takes into CytoTriage, whatever its source. */
@ApplicationScoped
public class IngestService {

    private final ImageValidator validator;
    private final ImageStore store;
    private final ImageReceivedPublisher publisher;
    private final ReceiptBook receipts;

    IngestService(ImageValidator validator, ImageStore store, ImageReceivedPublisher publisher, ReceiptBook receipts) {
        this.validator = validator;
        this.store = store;
        this.publisher = publisher;
        this.receipts = receipts;
    }

    /** The same bytes for the same case always get the same image id. */
    public static String imageIdOf(String caseId, String sha256) {
        return UUID.nameUUIDFromBytes((caseId + "/" + sha256).getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Timed(value = "cytotriage.ingest.accept", description = "Validate, store and publish one image", histogram = true)
    @Counted(value = "cytotriage.ingest.images", description = "Images offered to ingest")
    public Receipt accept(Upload upload) {
        ValidatedImage image = validator.validate(upload.bytes());
        String sha256 = Sha256.hex(image.bytes());
        String imageId = imageIdOf(upload.caseId(), sha256);
        if (receipts.isPublished(imageId)) {
            return new Receipt(imageId, upload.caseId(), sha256, false);
        }
        String key = store.put(image.bytes());
        publisher.publish(ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(imageId)
                .setCaseId(upload.caseId())
                .setHospitalId(upload.hospitalId())
                .setReceivedAt(Instant.now())
                .setImage(ImageRef.newBuilder()
                        .setKey(key)
                        .setSha256(sha256)
                        .setMediaType(image.format().mediaType())
                        .setSizeBytes(image.bytes().length)
                        .setWidth(image.width())
                        .setHeight(image.height())
                        .build())
                .setOriginalFileName(upload.fileName())
                .setSource(upload.source())
                .build());
        receipts.markPublished(imageId);
        return new Receipt(imageId, upload.caseId(), sha256, true);
    }

    /** An image offered for a case, from an HTTP upload or the inbox folder. */
    public record Upload(String caseId, String hospitalId, byte[] bytes, String fileName, String source) {
    }

    /** What the sender gets back; {@code published} is false when these bytes were already accepted. */
    public record Receipt(String imageId, String caseId, String sha256, boolean published) {
    }
}
