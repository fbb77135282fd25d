package org.cytotriage.audit.casefile;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.events.Topics;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.problem.ProblemException;
import org.cytotriage.support.pseudonym.CasePseudonyms;

/**
 * Sends a dead-lettered image through the pipeline again, after its cause was fixed: its
 * ImageReceived is published anew (same image id, a new event id) through the outbox, in the same
 * transaction that records the re-drive, as a row of its own, for every open dead letter of the
 * image, so the re-drive is published exactly when it is recorded. The letters themselves are never
 * changed (the record is append-only). Asking again is answered with the re-drive on record: the
 * redrives row's key serialises two askers, the second finding the first's row.
 */
@ApplicationScoped
public class Redrives {

    private final EntityManager entityManager;
    private final Outbox outbox;
    private final Clock clock;
    private final CasePseudonyms pseudonyms;

    Redrives(EntityManager entityManager, Outbox outbox, Clock clock, CasePseudonyms pseudonyms) {
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.clock = clock;
        this.pseudonyms = pseudonyms;
    }

    /** A re-drive asked for by {@code redrivenBy}, the signed-in operator. */
    @Transactional
    public DeadLetterRecord redrive(String deadLetterId, Actor redrivenBy) {
        DeadLetterRecord letter = DeadLetterRecord.findById(deadLetterId);
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
        Instant now = Instant.now(clock);
        // This letter first: a second asker waits here on the key, then finds it taken and is answered with the first re-drive.
        if (record(deadLetterId, eventId, redrivenBy, now) == 0) {
            entityManager.clear();
            return DeadLetterRecord.findById(deadLetterId);
        }
        for (DeadLetterRecord answered : DeadLetterRecord.<DeadLetterRecord>list("imageId = ?1 and redrivenAt is null", image.imageId)) {
            record(answered.eventId, eventId, redrivenBy, now);
        }
        outbox.enqueue(Topics.IMAGES, pseudonyms.of(image.caseId), CaseFileMapper.toEvent(image, eventId));
        entityManager.flush();
        entityManager.clear();
        return DeadLetterRecord.findById(deadLetterId);
    }

    private int record(String deadLetterId, String redriveEventId, Actor redrivenBy, Instant at) {
        return entityManager.createNativeQuery("""
                insert into redrives (dead_letter_event_id, redrive_event_id, redriven_by, redriven_by_subject, redriven_at)
                values (?1, ?2, ?3, ?4, ?5) on conflict do nothing""")
                .setParameter(1, deadLetterId).setParameter(2, redriveEventId).setParameter(3, redrivenBy.username())
                .setParameter(4, redrivenBy.subject()).setParameter(5, at).executeUpdate();
    }
}
