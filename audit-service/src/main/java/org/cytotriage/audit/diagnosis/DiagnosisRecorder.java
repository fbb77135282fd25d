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

import io.quarkus.narayana.jta.QuarkusTransaction;
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
    public void onDiagnosis(ConsumerRecord<String, DiagnosisRecorded> record) {
        DiagnosisRecorded event = IncomingRecords.payload(record, DiagnosisRecorded.class);
        try {
            transaction.run(() -> record(event));
        } catch (RuntimeException e) {
            // The API's own diagnoses are published before their transaction commits (FinalDiagnoses),
            // so the event can arrive while that insert is still open: ours then waits on the unique
            // keys and fails once it commits. The event is on record then, which is all this asks.
            if (!QuarkusTransaction.requiringNew().call(() -> DiagnosisRecord.count("eventId", event.getEventId()) > 0)) {
                throw e;
            }
            LOG.debugf("diagnosis event %s was recorded by the API's own transaction meanwhile", event.getEventId());
        }
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
