package org.cytotriage.audit.interop.hl7;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.diagnosis.DiagnosisRecord;
import org.cytotriage.audit.diagnosis.DiagnosisRequest;
import org.cytotriage.audit.diagnosis.FinalDiagnoses;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.identity.HospitalScope;

/**
 * Records a final diagnosis the laboratory system sent, exactly as one given through the API
 * ({@link FinalDiagnoses}: the case's next version, its event through the outbox), once per message:
 * the message's control id is kept with the diagnosis in the same transaction, and a message seen
 * before records nothing again.
 */
@ApplicationScoped
public class LisDiagnoses {

    private final FinalDiagnoses diagnoses;
    private final EntityManager entityManager;

    LisDiagnoses(FinalDiagnoses diagnoses, EntityManager entityManager) {
        this.diagnoses = diagnoses;
        this.entityManager = entityManager;
    }

    /** What became of one message: recorded now, or recorded already under this control id. */
    public record Outcome(String diagnosisEventId, boolean alreadyRecorded) {
    }

    @Transactional
    public Outcome record(String hospitalId, String controlId, String caseId, String bethesdaCategory, Actor cytopathologist) {
        var earlier = entityManager.createNativeQuery(
                "select diagnosis_event_id from lis_inbound_messages where hospital_id = ?1 and control_id = ?2", String.class)
                .setParameter(1, hospitalId).setParameter(2, controlId).getResultList();
        if (!earlier.isEmpty()) {
            return new Outcome((String) earlier.get(0), true);
        }
        DiagnosisRecord recorded = diagnoses.record(caseId, HospitalScope.of(Set.of(hospitalId)),
                new DiagnosisRequest(bethesdaCategory, "from the laboratory system, message " + controlId), cytopathologist);
        entityManager.createNativeQuery("insert into lis_inbound_messages (hospital_id, control_id, diagnosis_event_id) values (?1, ?2, ?3)")
                .setParameter(1, hospitalId).setParameter(2, controlId).setParameter(3, recorded.eventId).executeUpdate();
        return new Outcome(recorded.eventId, false);
    }
}
