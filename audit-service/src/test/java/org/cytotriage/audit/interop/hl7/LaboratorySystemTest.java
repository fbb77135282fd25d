package org.cytotriage.audit.interop.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Each case's AI result reaches the laboratory system as an HL7 v2.5.1 ORU^R01 over MLLP, received and
 * acknowledged by HAPI's own MLLP server (its default validation on, as a laboratory system's parser
 * would be) standing in for the laboratory system: preliminary first, a correction with the whole
 * case when another image's result comes, sent again until acknowledged, and an application error kept
 * with its reason.
 */
@QuarkusTest
@TestProfile(LaboratorySystemTest.WithLaboratorySystem.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class LaboratorySystemTest {

    /**
     * One port for the profile and the test: Quarkus loads this class twice (JUnit's class loader and
     * its own), so a static field would choose two; a system property is the same in both.
     */
    static final int PORT = Integer.parseInt(System.getProperties().computeIfAbsent("cytotriage.test.lis-port",
            key -> String.valueOf(FreePorts.next())).toString());

    public static class WithLaboratorySystem implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.lis.host", "127.0.0.1", "cytotriage.lis.port", String.valueOf(PORT),
                    "cytotriage.lis.ack-timeout", "3s", "cytotriage.lis.max-retry-delay", "2s");
        }
    }

    /** What the laboratory system received, in order, and how it answers each case (AA unless scripted). */
    private static final List<ORU_R01> RECEIVED = new CopyOnWriteArrayList<>();
    private static final Map<String, Deque<AcknowledgmentCode>> SCRIPT = new ConcurrentHashMap<>();
    private static final HapiContext HAPI = Mllp.context();
    private static HL7Service laboratory;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Inject
    EntityManager entityManager;

    @BeforeAll
    static void startLaboratorySystem() throws InterruptedException {
        laboratory = startedLaboratory();
    }

    @AfterAll
    static void stopLaboratorySystem() {
        laboratory.stopAndWait();
    }

    private static HL7Service startedLaboratory() throws InterruptedException {
        HL7Service server = HAPI.newServer(PORT, false);
        server.registerApplication("ORU", "R01", new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                ORU_R01 oru = (ORU_R01) message;
                RECEIVED.add(oru);
                AcknowledgmentCode answer = SCRIPT.getOrDefault(caseOf(oru), new ArrayDeque<>()).poll();
                try {
                    return answer == null || answer == AcknowledgmentCode.AA ? message.generateACK()
                            : message.generateACK(answer, new HL7Exception("the laboratory system says " + answer));
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        server.startAndWait();
        return server;
    }

    @Test
    void aCasesFirstResultGoesOutPreliminaryAndItsNextImageAsACorrectionWithTheWholeCase() throws HL7Exception {
        String caseId = newCase();
        String first = UUID.randomUUID().toString();
        Instant at = Instant.parse("2026-12-07T10:15:30Z");
        predict(caseId, first, at, 0.1, 0.2, 0.7, true);

        ORU_R01 preliminary = awaitMessages(caseId, 1).get(0);
        Terser terser = new Terser(preliminary);
        assertThat(terser.get("/MSH-9-1") + "^" + terser.get("/MSH-9-2") + "^" + terser.get("/MSH-9-3")).isEqualTo("ORU^R01^ORU_R01");
        assertThat(terser.get("/MSH-12")).isEqualTo("2.5.1");
        assertThat(terser.get("/MSH-4")).isEqualTo("hospital-a");
        assertThat(terser.get("/.OBR-25")).as("result status").isEqualTo("P");
        assertThat(terser.get("/.OBR-24")).isEqualTo("CP");
        assertThat(terser.get("/PATIENT_RESULT/ORDER_OBSERVATION/NTE-3")).startsWith("NOT FOR CLINICAL USE");
        Map<String, OBX> image1 = observations(preliminary, "1");
        assertThat(image1.get("TREATMENT-GROUP").getObservationValue(0).encode()).startsWith("MALIGNANT^");
        assertThat(image1.get("P-MALIGNANT").getObservationValue(0).encode()).isEqualTo("0.7000");
        assertThat(image1.get("P-BENIGN").getObservationValue(0).encode()).isEqualTo("0.1000");
        assertThat(image1.get("P-MALIGNANT").getUnits().encode()).isEqualTo("1^^UCUM");
        assertThat(image1.get("REVIEW").getObservationValue(0).encode()).startsWith("Y^");
        assertThat(image1.get("IMAGE-ID").getObservationValue(0).encode()).isEqualTo(first);
        assertThat(image1.get("TREATMENT-GROUP").getEquipmentInstanceIdentifier(0).encode())
                .isEqualTo("thyroideffi-basic 9.9.9^CYTOTRIAGE^" + "c".repeat(64) + "^SHA256");
        assertThat(image1.get("TREATMENT-GROUP").getObservationResultStatus().getValue()).isEqualTo("P");

        String second = UUID.randomUUID().toString();
        predict(caseId, second, at.plusSeconds(60), 0.8, 0.15, 0.05, false);
        ORU_R01 correction = awaitMessages(caseId, 2).get(1);
        assertThat(new Terser(correction).get("/.OBR-25")).isEqualTo("C");
        assertThat(observations(correction, "1").get("TREATMENT-GROUP").getObservationValue(0).encode()).startsWith("MALIGNANT^");
        assertThat(observations(correction, "2").get("TREATMENT-GROUP").getObservationValue(0).encode()).startsWith("BENIGN^");
        assertThat(observations(correction, "2").get("REVIEW").getObservationValue(0).encode()).startsWith("N^");
        assertThat(new Terser(correction).get("/MSH-10")).isNotEqualTo(terser.get("/MSH-10"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(caseId))
                .containsExactly("P AA 1", "C AA 1"));
    }

    @Test
    void aRejectedMessageIsSentAgainWithTheSameControlIdAndTheCasesNextWaitsBehindIt() throws HL7Exception {
        String caseId = newCase();
        SCRIPT.put(caseId, new ArrayDeque<>(List.of(AcknowledgmentCode.AR, AcknowledgmentCode.AR)));
        predict(caseId, UUID.randomUUID().toString(), Instant.now(), 0.6, 0.3, 0.1, false);
        predict(caseId, UUID.randomUUID().toString(), Instant.now(), 0.2, 0.7, 0.1, true);

        List<ORU_R01> received = awaitMessages(caseId, 4);
        List<String> controlIds = received.stream().map(LaboratorySystemTest::controlId).toList();
        assertThat(controlIds.subList(0, 3)).as("the first message, rejected twice, then taken").containsOnly(controlIds.get(0));
        assertThat(new Terser(received.get(3)).get("/.OBR-25")).as("the correction after it").isEqualTo("C");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(caseId)).containsExactly("P AA 3", "C AA 1"));
    }

    @Test
    void anApplicationErrorIsKeptWithTheLaboratorySystemsReasonAndNotSentAgain() throws HL7Exception {
        String refused = newCase();
        SCRIPT.put(refused, new ArrayDeque<>(List.of(AcknowledgmentCode.AE)));
        predict(refused, UUID.randomUUID().toString(), Instant.now(), 0.6, 0.3, 0.1, false);
        awaitMessages(refused, 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(refused)).containsExactly("P AE 1"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                "select ack_text from lis_messages where case_id = ?1").setParameter(1, refused).getSingleResult()))
                .contains("the laboratory system says AE");

        // A later case's message goes out after it, and the refused one was not sent again meanwhile.
        String later = newCase();
        predict(later, UUID.randomUUID().toString(), Instant.now(), 0.6, 0.3, 0.1, false);
        awaitMessages(later, 1);
        assertThat(messagesOf(refused)).hasSize(1);
    }

    @Test
    void resultsRecordedWhileTheLaboratorySystemIsAwayReachItWhenItIsBack() throws Exception {
        laboratory.stopAndWait();
        String caseId = newCase();
        predict(caseId, UUID.randomUUID().toString(), Instant.now(), 0.1, 0.1, 0.8, true);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> ((Number) entityManager.createNativeQuery(
                        "select coalesce(max(attempts), 0) from lis_messages where case_id = ?1 and last_error is not null")
                        .setParameter(1, caseId).getSingleResult()).intValue() >= 2));
        assertThat(messagesOf(caseId)).as("nothing reached the laboratory system while it was away").isEmpty();

        laboratory = startedLaboratory();
        awaitMessages(caseId, 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(caseId)).hasSize(1).allMatch(d -> d.startsWith("P AA")));
    }

    private static String newCase() {
        return "case-lis-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The image, then its prediction, as ingest and inference publish them. */
    private void predict(String caseId, String imageId, Instant at, double benign, double indeterminate, double malignant, boolean flagged) {
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", imageId, "sha256/ab/" + imageId, at.minusSeconds(5)));
        PredictionMade prediction = AuditEvents.prediction(caseId, "hospital-a", imageId, AuditEvents.MODEL, at, benign, indeterminate,
                malignant, flagged);
        writer.send(Topics.PREDICTIONS, caseId, prediction);
    }

    private static List<ORU_R01> messagesOf(String caseId) {
        return RECEIVED.stream().filter(oru -> caseId.equals(caseOf(oru))).toList();
    }

    private static List<ORU_R01> awaitMessages(String caseId, int count) {
        return await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> messagesOf(caseId), m -> m.size() >= count);
    }

    /** Each of the case's messages as "status ack attempts", in the order they were written. */
    private List<String> deliveries(String caseId) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select result_status || ' ' || coalesce(ack_code, '-') || ' ' || attempts from lis_messages where case_id = ?1 order by seq""",
                String.class).setParameter(1, caseId).getResultList());
    }

    /** The observations of one image (its number in the OBX sub-id), by their code. */
    private static Map<String, OBX> observations(ORU_R01 oru, String image) throws HL7Exception {
        Map<String, OBX> found = new java.util.HashMap<>();
        var order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            OBX obx = order.getOBSERVATION(i).getOBX();
            if (image.equals(obx.getObservationSubID().getValue())) {
                found.put(obx.getObservationIdentifier().getIdentifier().getValue(), obx);
            }
        }
        return found;
    }

    private static String caseOf(ORU_R01 oru) {
        return oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR().getFillerOrderNumber().getEntityIdentifier().getValue();
    }

    private static String controlId(ORU_R01 oru) {
        return oru.getMSH().getMessageControlID().getValue();
    }
}
