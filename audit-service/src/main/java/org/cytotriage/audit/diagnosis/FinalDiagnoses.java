package org.cytotriage.audit.diagnosis;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.casefile.CaseRecord;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.events.Topics;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.identity.HospitalScope;
import org.cytotriage.support.problem.ProblemException;
import org.cytotriage.support.pseudonym.CasePseudonyms;

/**
 * Records a final diagnosis given through the API as the case's next version, and its
 * DiagnosisRecorded event (key: the case id) in the outbox, in one transaction: the event is
 * published on fnab.diagnoses after the commit, with the event id the record was written with. A
 * broker that is away does not stop a diagnosis being recorded; a failed commit publishes nothing.
 * Audit's own consumer of the topic ({@link DiagnosisRecorder}) finds the event id on record.
 */
@ApplicationScoped
public class FinalDiagnoses {

    private final Outbox outbox;
    private final Clock clock;
    private final CasePseudonyms pseudonyms;

    FinalDiagnoses(Outbox outbox, Clock clock, CasePseudonyms pseudonyms) {
        this.outbox = outbox;
        this.clock = clock;
        this.pseudonyms = pseudonyms;
    }

    /**
     * Records the next version of the case's final diagnosis, made by {@code cytopathologist} (the
     * signed-in user): the case is the one of this id that the scope sees (404 otherwise, whether no
     * hospital has it or another one does).
     */
    @Transactional
    public DiagnosisRecord record(String caseId, HospitalScope scope, DiagnosisRequest request, Actor cytopathologist) {
        CaseRecord found = CaseRecord.visible(caseId, scope);
        if (request == null) {
            throw badRequest("missing-diagnosis", "Missing diagnosis", "a final diagnosis names its Bethesda category (bethesdaCategory)");
        }
        BethesdaCategory category;
        try {
            category = BethesdaCategory.parse(request.bethesdaCategory());
        } catch (IllegalArgumentException e) {
            throw badRequest("unknown-bethesda-category", "Unknown Bethesda category", e.getMessage());
        }
        DiagnosisRecord record = new DiagnosisRecord();
        record.eventId = UUID.randomUUID().toString();
        record.caseId = caseId;
        record.hospitalId = found.hospitalId;
        record.version = DiagnosisRecord.nextVersion(found.hospitalId, caseId);
        record.bethesda = category.name();
        record.group = category.group().name();
        record.recordedBy = cytopathologist.username();
        record.recordedBySubject = cytopathologist.subject();
        record.comment = request.comment();
        record.diagnosedAt = Instant.now(clock);
        try {
            record.persistAndFlush();
        } catch (PersistenceException e) {
            // Two corrections of one case at once: the unique (case, version) key fails the second.
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "concurrent-diagnosis", "Concurrent diagnosis",
                    "another diagnosis of case '" + caseId + "' was recorded as version " + record.version + " at the same time; send it again");
        }
        outbox.enqueue(new Outbox.Aggregate("diagnosis", record.id.toString()), Topics.DIAGNOSES, pseudonyms.of(caseId),
                DiagnosisMapper.toEvent(record));
        return record;
    }

    private static ProblemException badRequest(String type, String title, String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST.getStatusCode(), type, title, detail);
    }
}
