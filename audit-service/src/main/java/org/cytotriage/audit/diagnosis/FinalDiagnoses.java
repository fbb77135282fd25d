package org.cytotriage.audit.diagnosis;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.casefile.CaseRecord;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Records a final diagnosis given through the API as the case's next version and publishes it as
 * DiagnosisRecorded. The event is acknowledged by the broker before the record commits: if the
 * publication fails nothing is recorded, and if the commit failed after it, the event's own
 * consumer ({@link DiagnosisRecorder}) records it from the topic.
 */
@ApplicationScoped
public class FinalDiagnoses {

    /** Channel to fnab.diagnoses: audit also consumes that topic, and a channel cannot be both. */
    static final String OUTGOING = "diagnoses-out";

    private final MutinyEmitter<Record<String, DiagnosisRecorded>> events;
    private final Clock clock;

    FinalDiagnoses(@Channel(OUTGOING) MutinyEmitter<Record<String, DiagnosisRecorded>> events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public DiagnosisRecord record(String caseId, DiagnosisRequest request) {
        CaseRecord found = CaseRecord.findById(caseId);
        if (found == null) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-case", "Unknown case",
                    "no case '" + caseId + "' is on record: a diagnosis is recorded for a case whose images were received");
        }
        if (request == null || request.recordedBy() == null || request.recordedBy().isBlank()) {
            throw badRequest("missing-recorded-by", "Missing recordedBy", "a final diagnosis names who made it (recordedBy)");
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
        record.version = DiagnosisRecord.nextVersion(caseId);
        record.bethesda = category.name();
        record.group = category.group().name();
        record.recordedBy = request.recordedBy();
        record.comment = request.comment();
        record.recordedAt = Instant.now(clock);
        try {
            record.persistAndFlush();
        } catch (PersistenceException e) {
            // Two corrections of one case at once: the unique (case, version) key fails the second.
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "concurrent-diagnosis", "Concurrent diagnosis",
                    "another diagnosis of case '" + caseId + "' was recorded as version " + record.version + " at the same time; send it again");
        }
        events.sendAndAwait(Record.of(caseId, DiagnosisMapper.toEvent(record)));
        return record;
    }

    private static ProblemException badRequest(String type, String title, String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST.getStatusCode(), type, title, detail);
    }
}
