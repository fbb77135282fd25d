package org.cytotriage.audit.diagnosis;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.casefile.CaseRecord;
import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.support.failure.IncomingRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;

/**
 * Records final diagnoses published by the laboratory system (and audit's own, which are already on
 * record: the outbox publishes them only after the API's transaction committed, so their event id
 * is found). An event id on record is a redelivery, or the outbox relay's publication again after a
 * crash; another event of a version already on record is a conflicting second diagnosis, which is
 * logged and kept out: history is never overwritten.
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
    public void onDiagnosis(ConsumerRecord<String, DiagnosisRecorded> record) {
        DiagnosisRecorded event = IncomingRecords.payload(record, DiagnosisRecorded.class);
        transaction.run(() -> record(event));
    }

    private void record(DiagnosisRecorded event) {
        if (DiagnosisRecord.count("eventId", event.getEventId()) > 0) {
            return;
        }
        if (DiagnosisRecord.count("hospitalId = ?1 and caseId = ?2 and version = ?3", event.getHospitalId(), event.getCaseId(),
                event.getVersion()) > 0) {
            // The case is named by the log line's pseudonym (support.tracing), never by its id.
            LOG.warnf("diagnosis event %s: the case already has a version %d; not recorded", event.getEventId(), event.getVersion());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        DiagnosisMapper.toRecord(event).persist();
    }
}
