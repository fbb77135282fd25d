package org.cytotriage.audit.interop.hl7;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.infra.TopicWriter;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** What the laboratory-system tests share: a case on record, a diagnosis message as a LIS sends it, what was recorded. */
final class LaboratoryPeer {

    private LaboratoryPeer() {
    }

    /** A case audit has on record at hospital-a (its image was received), named {@code prefix} and a random part. */
    static String caseOnRecord(TopicWriter writer, EntityManager entityManager, String prefix) {
        String caseId = prefix + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", imageId, "sha256/ab/" + imageId, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> !entityManager.createNativeQuery("select 1 from cases where case_id = ?1").setParameter(1, caseId).getResultList().isEmpty()));
        return caseId;
    }

    /** An ORU^R01 as a laboratory system sends a final diagnosis; {@code observer} null: no OBX-16. */
    static ORU_R01 diagnosis(HapiContext hapi, String facility, String controlId, String caseId, String category, String observer)
            throws Exception {
        ORU_R01 oru = hapi.newMessage(ORU_R01.class);
        oru.initQuickstart("ORU", "R01", "P");
        oru.getMSH().getSendingApplication().getNamespaceID().setValue("LIS");
        oru.getMSH().getSendingFacility().getNamespaceID().setValue(facility);
        oru.getMSH().getMessageControlID().setValue(controlId);
        var order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        order.getOBR().getSetIDOBR().setValue("1");
        order.getOBR().getFillerOrderNumber().getEntityIdentifier().setValue(caseId);
        order.getOBR().getUniversalServiceIdentifier().getIdentifier().setValue("THYROID-FNA");
        order.getOBR().getResultStatus().setValue("F");
        OBX obx = order.getOBSERVATION(0).getOBX();
        obx.getSetIDOBX().setValue("1");
        obx.getValueType().setValue("CWE");
        obx.getObservationIdentifier().getIdentifier().setValue("BETHESDA");
        obx.getObservationIdentifier().getText().setValue("Bethesda category");
        CWE value = new CWE(oru);
        value.getIdentifier().setValue(category);
        obx.getObservationValue(0).setData(value);
        obx.getObservationResultStatus().setValue("F");
        if (observer != null) {
            obx.getResponsibleObserver(0).getIDNumber().setValue(observer);
            obx.getResponsibleObserver(0).getFamilyName().getSurname().setValue("Lovelace");
            obx.getResponsibleObserver(0).getGivenName().setValue("Ada");
        }
        return oru;
    }

    /** The case's diagnoses as "bethesda recordedBy version", in version order. */
    static List<String> versions(EntityManager entityManager, String caseId) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select bethesda || ' ' || recorded_by || ' ' || version from diagnoses where case_id = ?1 order by version""", String.class)
                .setParameter(1, caseId).getResultList());
    }
}
