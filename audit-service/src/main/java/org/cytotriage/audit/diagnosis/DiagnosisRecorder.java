package org.cytotriage.audit.diagnosis;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.audit.casefile.CaseRecord;
import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;

/**
 * Records final diagnoses published by the laboratory system (and audit's own, which are already on
 * record). A version already on record is a redelivery, or a conflicting second diagnosis of the
 * same version, which is logged and kept out: history is never overwritten.
 */
@ApplicationScoped
public class DiagnosisRecorder {

    private static final Logger LOG = Logger.getLogger(DiagnosisRecorder.class);

    private final RecordingTransaction transaction;

    DiagnosisRecorder(RecordingTransaction transaction) {
        this.transaction = transaction;
    }

    @Incoming(Topics.DIAGNOSES)
    @Blocking
    public void onDiagnosis(DiagnosisRecorded event) {
        transaction.run(() -> record(event));
    }

    private void record(DiagnosisRecorded event) {
        if (DiagnosisRecord.count("eventId", event.getEventId()) > 0) {
            return;
        }
        if (DiagnosisRecord.count("caseId = ?1 and version = ?2", event.getCaseId(), event.getVersion()) > 0) {
            LOG.warnf("diagnosis event %s: case %s already has a version %d; not recorded", event.getEventId(),
                    event.getCaseId(), event.getVersion());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        DiagnosisMapper.toRecord(event).persist();
    }
}
