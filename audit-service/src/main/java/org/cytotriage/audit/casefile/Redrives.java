package org.cytotriage.audit.casefile;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.events.Topics;
import org.cytotriage.support.problem.ProblemException;

/**
 * Sends a dead-lettered image through the pipeline again, after its cause was fixed: its
 * ImageReceived is published anew (same image id, a new event id) through the outbox, in the same
 * transaction that records the re-drive on every open dead letter of the image, so the re-drive is
 * published exactly when it is recorded. Asking again is answered with the re-drive on record; the
 * letter's row lock serialises two askers.
 */
@ApplicationScoped
public class Redrives {

    /** What dead_letters.redriven_by holds. */
    static final int MAX_REDRIVEN_BY = 100;

    private final EntityManager entityManager;
    private final Outbox outbox;
    private final Clock clock;

    Redrives(EntityManager entityManager, Outbox outbox, Clock clock) {
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public DeadLetterRecord redrive(String deadLetterId, String redrivenBy) {
        if (redrivenBy == null || redrivenBy.isBlank() || redrivenBy.length() > MAX_REDRIVEN_BY) {
            throw new ProblemException(Response.Status.BAD_REQUEST.getStatusCode(), "missing-redriven-by", "Missing redrivenBy",
                    "a re-drive names who asked for it (redrivenBy, 1-" + MAX_REDRIVEN_BY + " characters)");
        }
        DeadLetterRecord letter = entityManager.find(DeadLetterRecord.class, deadLetterId, LockModeType.PESSIMISTIC_WRITE);
        if (letter == null) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-dead-letter", "Unknown dead letter",
                    "no dead letter '" + deadLetterId + "' is on record");
        }
        if (letter.redrivenAt != null) {
            return letter;
        }
        ImageRecord image = letter.imageId == null ? null : ImageRecord.findById(letter.imageId);
        if (image == null) {
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "not-redrivable", "Not re-drivable",
                    letter.imageId == null ? "dead letter '" + deadLetterId + "' names no image: only an image can be re-driven"
                            : "image '" + letter.imageId + "' is not on record (it never reached the case file): send it to ingest again");
        }
        String eventId = UUID.randomUUID().toString();
        outbox.enqueue(Topics.IMAGES, image.caseId, CaseFileMapper.toEvent(image, eventId));
        Instant now = Instant.now(clock);
        List<DeadLetterRecord> open = DeadLetterRecord.list("imageId = ?1 and redrivenAt is null", image.imageId);
        for (DeadLetterRecord answered : open) {
            answered.redrivenAt = now;
            answered.redrivenBy = redrivenBy;
            answered.redriveEventId = eventId;
        }
        return letter;
    }
}
