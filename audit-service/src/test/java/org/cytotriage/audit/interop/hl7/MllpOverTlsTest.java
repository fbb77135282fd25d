package org.cytotriage.audit.interop.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TestCertificates;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * MLLP over mutual TLS, both ways, with certificates of a test authority: results reach a laboratory
 * system that takes only clients with a certificate it trusts, and final diagnoses are taken only from
 * a client whose certificate audit-service's trust store vouches for; one of another authority, or
 * none, or plain MLLP, is not heard, and nothing it sent is recorded.
 */
@QuarkusTest
@TestProfile(MllpOverTlsTest.OverTls.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class MllpOverTlsTest {

    /** Ports and certificates shared by the profile and the test through system properties (see LaboratorySystemTest.PORT). */
    static final int LIS_PORT = port("cytotriage.test.lis-tls-port");
    static final int INBOUND_PORT = port("cytotriage.test.lis-tls-inbound-port");

    public static class OverTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path tls = certificates();
            return Map.ofEntries(Map.entry("cytotriage.lis.tls-configuration-name", "lis"),
                    Map.entry("quarkus.tls.lis.key-store.p12.path", tls.resolve("ours/audit.p12").toString()),
                    Map.entry("quarkus.tls.lis.key-store.p12.password", System.getProperty("cytotriage.test.lis-tls.audit")),
                    Map.entry("quarkus.tls.lis.trust-store.pem.certs", tls.resolve("ours/ca.crt").toString()),
                    Map.entry("cytotriage.lis.host", "127.0.0.1"), Map.entry("cytotriage.lis.port", String.valueOf(LIS_PORT)),
                    Map.entry("cytotriage.lis.ack-timeout", "3s"), Map.entry("cytotriage.lis.max-retry-delay", "2s"),
                    Map.entry("cytotriage.lis.inbound.port", String.valueOf(INBOUND_PORT)),
                    Map.entry("cytotriage.lis.inbound.facilities", "LAB-T=hospital-a"));
        }
    }

    private static final List<ORU_R01> RECEIVED = new CopyOnWriteArrayList<>();
    private static final HapiContext MESSAGES = Mllp.context();
    private static HapiContext laboratoryContext;
    private static HL7Service laboratory;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Inject
    EntityManager entityManager;

    @BeforeAll
    static void startLaboratorySystem() throws Exception {
        laboratoryContext = Mllp.context(ssl("ours/lis.p12", "lis"));
        laboratory = laboratoryContext.newServer(LIS_PORT, true);
        laboratory.registerApplication("ORU", "R01", new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                RECEIVED.add((ORU_R01) message);
                try {
                    return message.generateACK();
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        laboratory.startAndWait();
    }

    @AfterAll
    static void stopLaboratorySystem() throws IOException {
        laboratory.stopAndWait();
        laboratoryContext.close();
        MESSAGES.close();
    }

    @Test
    void resultsReachALaboratorySystemThatTakesOnlyClientsWithATrustedCertificate() {
        String caseId = caseOnRecord();
        String imageId = QuarkusTransaction.requiringNew().call(() -> (String) entityManager
                .createNativeQuery("select image_id from images where case_id = ?1").setParameter(1, caseId).getSingleResult());
        writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, "hospital-a", imageId, AuditEvents.MODEL, Instant.now(),
                0.2, 0.3, 0.5, false));

        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> RECEIVED.stream()
                .anyMatch(oru -> caseId.equals(oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR().getFillerOrderNumber()
                        .getEntityIdentifier().getValue())));
        await().atMost(Duration.ofSeconds(10)).until(() -> "AA".equals(QuarkusTransaction.requiringNew().call(() -> entityManager
                .createNativeQuery("select coalesce(ack_code, '-') from lis_messages where case_id = ?1", String.class)
                .setParameter(1, caseId).getSingleResult())));
    }

    @Test
    void aDiagnosisFromAClientWithATrustedCertificateIsRecorded() throws Exception {
        String caseId = caseOnRecord();

        Message ack = send(Mllp.context(ssl("ours/lis.p12", "lis")), true, diagnosis(caseId, "TLS-" + UUID.randomUUID()));

        assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
        assertThat(versions(caseId)).containsExactly("IV 4711 1");
    }

    @Test
    void aClientOfAnotherAuthorityOrWithoutTlsIsNotHeardAndNothingItSentIsRecorded() throws Exception {
        String caseId = caseOnRecord();

        Throwable outsider = catchThrowable(() -> send(Mllp.context(ssl("theirs/outsider.p12", "outsider")), true,
                diagnosis(caseId, "TLS-" + UUID.randomUUID())));
        Throwable plain = catchThrowable(() -> send(Mllp.context(), false, diagnosis(caseId, "TLS-" + UUID.randomUUID())));

        assertThat(outsider).as("a certificate of another authority").isNotNull();
        assertThat(plain).as("plain MLLP").isNotNull();
        assertThat(versions(caseId)).as("nothing recorded").isEmpty();
        // The listener was there all along: a trusted client is heard at once.
        assertThat(new Terser(send(Mllp.context(ssl("ours/lis.p12", "lis")), true, diagnosis(caseId, "TLS-" + UUID.randomUUID())))
                .get("/MSA-1")).isEqualTo("AA");
        assertThat(versions(caseId)).containsExactly("IV 4711 1");
    }

    private static Message send(HapiContext context, boolean tls, Message message) throws Exception {
        try (context) {
            Connection connection = context.newClient("127.0.0.1", INBOUND_PORT, tls);
            connection.getInitiator().setTimeout(5, TimeUnit.SECONDS);
            try {
                return connection.getInitiator().sendAndReceive(message);
            } finally {
                connection.close();
            }
        }
    }

    private String caseOnRecord() {
        return LaboratoryPeer.caseOnRecord(writer, entityManager, "case-lis-tls-");
    }

    private static ORU_R01 diagnosis(String caseId, String controlId) throws Exception {
        return LaboratoryPeer.diagnosis(MESSAGES, "LAB-T", controlId, caseId, "IV", "4711");
    }

    private List<String> versions(String caseId) {
        return LaboratoryPeer.versions(entityManager, caseId);
    }

    /**
     * The test's authority ("ours": audit-service's and the laboratory system's certificates) and an
     * outsider's, made once per JVM; the key stores' passwords in system properties.
     */
    private static synchronized Path certificates() {
        String directory = System.getProperty("cytotriage.test.lis-tls");
        if (directory == null) {
            try {
                Path made = Files.createTempDirectory("lis-tls");
                TestCertificates ours = TestCertificates.create(made.resolve("ours"));
                System.setProperty("cytotriage.test.lis-tls.audit", ours.issue("audit").keyStorePassword());
                System.setProperty("cytotriage.test.lis-tls.lis", ours.issue("lis").keyStorePassword());
                System.setProperty("cytotriage.test.lis-tls.outsider",
                        TestCertificates.create(made.resolve("theirs")).issue("outsider").keyStorePassword());
                directory = made.toString();
                System.setProperty("cytotriage.test.lis-tls", directory);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Path.of(directory);
    }

    /** A peer's SSL context, made with the JDK's own key and trust managers: its key store, trusting the test authority. */
    private static SSLContext ssl(String keyStore, String name) throws Exception {
        Path tls = certificates();
        char[] password = System.getProperty("cytotriage.test.lis-tls." + name).toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.resolve(keyStore))) {
            keys.load(in, password);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(tls.resolve("ours/ca.crt"))) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static int port(String property) {
        return Integer.parseInt(System.getProperties().computeIfAbsent(property, key -> String.valueOf(FreePorts.next())).toString());
    }
}
