package org.cytotriage.audit.interop.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.util.Terser;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The laboratory system sends final diagnoses as HL7 v2 ORU^R01 over MLLP, through HAPI's own MLLP
 * client; each is recorded as one given through the API is (the case's next version, DiagnosisRecorded
 * on fnab.diagnoses), once per message, and what cannot be recorded is answered in HL7's terms.
 */
@QuarkusTest
@TestProfile(DiagnosisFromLaboratorySystemTest.Listening.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DiagnosisFromLaboratorySystemTest {

    /** One port for the profile and the test (see LaboratorySystemTest.PORT). */
    static final int PORT = Integer.parseInt(System.getProperties().computeIfAbsent("cytotriage.test.lis-inbound-port",
            key -> String.valueOf(FreePorts.next())).toString());

    public static class Listening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.lis.inbound.port", String.valueOf(PORT), "cytotriage.lis.inbound.facilities", "LAB-A=hospital-a");
        }
    }

    private static final HapiContext HAPI = Mllp.context();
    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Inject
    EntityManager entityManager;

    @AfterAll
    static void close() throws Exception {
        HAPI.close();
    }

    @Test
    void aDiagnosisMessageIsRecordedLikeTheApisOnceEvenWhenSentAgain() throws Exception {
        String caseId = caseOnRecord();
        ORU_R01 message = diagnosis("LAB-A", "LIS-" + UUID.randomUUID().toString().substring(0, 8), caseId, "Bethesda VI", "4711");

        assertThat(ackCode(send(message))).isEqualTo("AA");
        assertThat(ackCode(send(message))).as("the same message again (its acknowledgement lost)").isEqualTo("AA");

        assertThat(versions(caseId)).as("bethesda, recorded by, version").containsExactly("VI 4711 1");
        List<ConsumerRecord<String, DiagnosisRecorded>> published = new TopicReader(RealInfrastructure.shared()).read(Topics.DIAGNOSES,
                DiagnosisRecorded.class, d -> d.getCaseId().equals(caseId), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(published).hasSize(1);
        assertThat(published.get(0).value().getBethesdaCategory().toString()).isEqualTo("VI");
        assertThat(published.get(0).value().getGroup().toString()).isEqualTo("MALIGNANT");

        // A new message with a corrected diagnosis is the case's next version.
        assertThat(ackCode(send(diagnosis("LAB-A", "LIS-" + UUID.randomUUID().toString().substring(0, 8), caseId, "V", "4711"))))
                .isEqualTo("AA");
        assertThat(versions(caseId)).containsExactly("VI 4711 1", "V 4711 2");
    }

    @Test
    void whatCannotBeRecordedIsAnsweredWithHl7sOwnErrorAndItsReason() throws Exception {
        String caseId = caseOnRecord();
        Message unknownFacility = send(diagnosis("LAB-X", "LIS-1", caseId, "II", "4711"));
        assertThat(ackCode(unknownFacility)).isEqualTo("AR");
        assertThat(reason(unknownFacility)).contains("LAB-X");

        Message unknownCase = send(diagnosis("LAB-A", "LIS-2", "no-such-case", "II", "4711"));
        assertThat(ackCode(unknownCase)).isEqualTo("AE");
        assertThat(reason(unknownCase)).contains("no-such-case");

        Message unknownCategory = send(diagnosis("LAB-A", "LIS-3", caseId, "VII", "4711"));
        assertThat(ackCode(unknownCategory)).isEqualTo("AE");
        assertThat(reason(unknownCategory)).contains("VII");

        Message noCytopathologist = send(diagnosis("LAB-A", "LIS-4", caseId, "II", null));
        assertThat(ackCode(noCytopathologist)).isEqualTo("AE");
        assertThat(reason(noCytopathologist)).contains("OBX-16");

        assertThat(versions(caseId)).as("nothing recorded").isEmpty();
    }

    private String caseOnRecord() {
        return LaboratoryPeer.caseOnRecord(writer, entityManager, "case-lis-in-");
    }

    private static ORU_R01 diagnosis(String facility, String controlId, String caseId, String category, String observer) throws Exception {
        return LaboratoryPeer.diagnosis(HAPI, facility, controlId, caseId, category, observer);
    }

    private static Message send(Message message) throws Exception {
        Connection connection = HAPI.newClient("127.0.0.1", PORT, false);
        try {
            return connection.getInitiator().sendAndReceive(message);
        } finally {
            connection.close();
        }
    }

    private static String ackCode(Message ack) throws HL7Exception {
        return new Terser(ack).get("/MSA-1");
    }

    private static String reason(Message ack) throws HL7Exception {
        return new Terser(ack).get("/ERR-3-9");
    }

    private List<String> versions(String caseId) {
        return LaboratoryPeer.versions(entityManager, caseId);
    }
}
