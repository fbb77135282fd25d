package org.cytotriage.audit.interop.hl7;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.casefile.CaseFileChanged;
import org.cytotriage.audit.casefile.CaseFiles;

/**
 * Writes the case's ORU^R01, when a laboratory system is configured, in the transaction that puts an
 * image's result on record: its prediction and the image itself, whichever of the two came second
 * (they arrive on different topics). The first message of a case is preliminary (P), every later one
 * a correction (C) carrying the whole case again (each image's latest prediction), so the last
 * message the laboratory system took is the case as it is on record. {@link LisSender} sends them.
 */
@ApplicationScoped
public class LisMessages {

    /** MSH-10 is at most 20 characters in v2.5.1: a prefix and the database sequence, unique across replicas. */
    static final String CONTROL_ID_PREFIX = "CYT";

    private final LisConfig config;
    private final EntityManager entityManager;

    LisMessages(LisConfig config, EntityManager entityManager) {
        this.config = config;
        this.entityManager = entityManager;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void onChange(@Observes CaseFileChanged changed) {
        if (config.host().isEmpty()) {
            return;
        }
        // The image and its prediction are recorded by two consumers at once: each looks for the other
        // only once it holds the case's lock, which the other holds until it has committed, so the second
        // sees the first and writes the message. (An advisory lock: the service's role may not lock the
        // record's rows, which takes UPDATE rights it does not have.)
        entityManager.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, changed.hospitalId() + "/" + changed.caseId()).getSingleResult();
        boolean resultOnRecord = !entityManager.createNativeQuery("""
                select 1 from images i join predictions p on p.image_id = i.image_id where i.image_id = ?1 limit 1""")
                .setParameter(1, changed.imageId()).getResultList().isEmpty();
        if (!resultOnRecord) {
            return;
        }
        long seq = ((Number) entityManager.createNativeQuery("select nextval('lis_message_seq')").getSingleResult()).longValue();
        String controlId = CONTROL_ID_PREFIX + seq;
        boolean correction = !entityManager.createNativeQuery("select 1 from lis_messages where hospital_id = ?1 and case_id = ?2 limit 1")
                .setParameter(1, changed.hospitalId()).setParameter(2, changed.caseId()).getResultList().isEmpty();
        String message = OruMapper.toMessage(CaseFiles.onRecord(changed.caseId(), changed.hospitalId()), controlId, correction,
                Instant.now(), config);
        entityManager.createNativeQuery("""
                insert into lis_messages (control_id, seq, hospital_id, case_id, result_status, message) values (?1, ?2, ?3, ?4, ?5, ?6)""")
                .setParameter(1, controlId).setParameter(2, seq).setParameter(3, changed.hospitalId()).setParameter(4, changed.caseId())
                .setParameter(5, correction ? "C" : "P").setParameter(6, message).executeUpdate();
    }
}
