package org.cytotriage.ingest.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.commons.io.input.BoundedInputStream;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.v1.DicomRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.ingest.dicom.DicomInstance;
import org.cytotriage.ingest.publish.ImageReceivedPublisher;
import org.cytotriage.ingest.validation.ImageLimits;
import org.cytotriage.ingest.validation.ImageValidator;
import org.cytotriage.ingest.validation.InvalidImageException;
import org.cytotriage.ingest.validation.ValidatedImage;
import org.cytotriage.support.health.ImageStoreReadiness;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.annotation.Counted;
import io.micrometer.core.annotation.Timed;

/**
 * Stage, validate, store, publish: the one path every image takes into CytoTriage, whatever its
 * source. The content streams to a staging file in the image store and is checked there; only an
 * accepted image is moved to its key, and the staging file is gone when the upload is answered,
 * whatever the answer.
 */
@ApplicationScoped
public class IngestService {

    private final ImageValidator validator;
    private final ImageStore store;
    private final ImageStoreReadiness storeReadiness;
    private final ImageReceivedPublisher publisher;
    private final ReceiptBook receipts;
    private final long maxBytes;

    IngestService(ImageValidator validator, ImageLimits limits, ImageStore store, @Readiness ImageStoreReadiness storeReadiness,
            ImageReceivedPublisher publisher, ReceiptBook receipts) {
        this.validator = validator;
        this.maxBytes = limits.maxBytes().asLongValue();
        this.store = store;
        this.storeReadiness = storeReadiness;
        this.publisher = publisher;
        this.receipts = receipts;
    }

    /**
     * The same bytes for the same case of the same hospital always get the same image id; two
     * hospitals' cases of the same name never share one.
     */
    public static String imageIdOf(String hospitalId, String caseId, String sha256) {
        return UUID.nameUUIDFromBytes((hospitalId + "/" + caseId + "/" + sha256).getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Timed(value = "cytotriage.ingest.accept", description = "Validate, store and publish one image", histogram = true)
    @Counted(value = "cytotriage.ingest.images", description = "Images offered to ingest")
    public Receipt accept(Upload upload, InputStream content) {
        // The floor readiness goes DOWN at: refused before a byte is written, with the same figure.
        storeReadiness.shortOfSpace().ifPresent(reason -> {
            throw UnavailableException.storeFull(reason);
        });
        try (ImageStore.Staged staged = store.stage(upload.hospitalId(), bounded(content))) {
            ValidatedImage image = validator.validate(staged.file(), staged.size());
            String imageId = imageIdOf(upload.hospitalId(), upload.caseId(), staged.sha256());
            ImageReceived event = event(upload, imageId, staged, image);
            // The last guard: every field was checked on the way in, so this finds only what a check missed.
            List<String> tooLong = FieldLimits.violations(event);
            if (!tooLong.isEmpty()) {
                throw UploadFields.refused("field-too-long", String.join("; ", tooLong));
            }
            boolean published = receipts.publishOnce(imageId, () -> {
                staged.commit();
                publisher.publish(event);
            });
            return new Receipt(imageId, upload.caseId(), upload.hospitalId(), staged.sha256(), published);
        }
    }

    /**
     * The content, cut off with a 413 problem once it passes the upload limit: a body sent without
     * its length is known to be too large only once that much of it has been read. Bounded at one
     * byte past the limit, so a body of exactly the limit ends before the bound is reached.
     */
    private InputStream bounded(InputStream content) {
        try {
            return BoundedInputStream.builder().setInputStream(content).setMaxCount(maxBytes + 1)
                    .setOnMaxCount((max, count) -> {
                        throw InvalidImageException.tooLarge(maxBytes);
                    }).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImageReceived event(Upload upload, String imageId, ImageStore.Staged staged, ValidatedImage image) {
        return ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(imageId)
                .setCaseId(upload.caseId())
                .setHospitalId(upload.hospitalId())
                .setReceivedAt(Instant.now())
                .setImage(ImageRef.newBuilder()
                        .setKey(staged.key())
                        .setSha256(staged.sha256())
                        .setMediaType(image.format().mediaType())
                        .setSizeBytes(staged.size())
                        .setWidth(image.width())
                        .setHeight(image.height())
                        .build())
                .setOriginalFileName(upload.fileName())
                .setSource(upload.source())
                .setDicom(upload.dicom() == null ? null : DicomRef.newBuilder()
                        .setStudyInstanceUid(upload.dicom().studyInstanceUid())
                        .setSeriesInstanceUid(upload.dicom().seriesInstanceUid())
                        .setSopInstanceUid(upload.dicom().sopInstanceUid())
                        .setSopClassUid(upload.dicom().sopClassUid())
                        .build())
                .build();
    }

    /**
     * An image offered for a case; its fields are checked against the event's bounds when it is made.
     * {@code dicom} names the DICOM instance it came as (STOW-RS), null for any other source.
     */
    public record Upload(String caseId, String hospitalId, String fileName, String source, DicomInstance.Identity dicom) {

        public Upload {
            caseId = UploadFields.id("caseId", caseId);
            hospitalId = UploadFields.id("hospitalId", hospitalId);
            fileName = UploadFields.fileName(fileName);
        }

        public Upload(String caseId, String hospitalId, String fileName, String source) {
            this(caseId, hospitalId, fileName, source, null);
        }
    }

    /** What the sender gets back; {@code published} is false when these bytes were already accepted. */
    public record Receipt(String imageId, String caseId, String hospitalId, String sha256, boolean published) {
    }
}
