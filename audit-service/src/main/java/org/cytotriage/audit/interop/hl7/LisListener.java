package org.cytotriage.audit.interop.hl7;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.problem.ProblemException;
import org.jboss.logging.Logger;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Takes final diagnoses from the laboratory system: an ORU^R01 over MLLP whose OBR names the case
 * (filler order number, else placer order number), with an OBX of the configured identifier holding
 * the Bethesda category and naming the cytopathologist responsible (OBX-16). The sending facility
 * (MSH-4) must be one the configuration gives a hospital; the diagnosis is that hospital's case's.
 * <p>
 * Answers in HL7's own terms: AA recorded (or recorded before under this control id); AE the message
 * cannot be recorded as it is (no such case at the hospital, no category, no cytopathologist), with
 * the reason in ERR; AR not from a known facility, or not recorded now through no fault of the
 * message (the database away, a concurrent diagnosis of the case): send it again.
 */
@ApplicationScoped
public class LisListener {

    private static final Logger LOG = Logger.getLogger(LisListener.class);

    private final LisConfig.Inbound config;
    private final LisConfig lis;
    private final TlsConfigurationRegistry certificates;
    private final LisDiagnoses diagnoses;
    private final Map<String, String> hospitalsByFacility = new HashMap<>();
    private HapiContext hapi;
    private HL7Service server;

    LisListener(LisConfig config, LisDiagnoses diagnoses, TlsConfigurationRegistry certificates) {
        this.config = config.inbound();
        this.lis = config;
        this.certificates = certificates;
        this.diagnoses = diagnoses;
        for (String pair : this.config.facilities().orElse(List.of())) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("cytotriage.lis.inbound.facilities: '" + pair + "' is not FACILITY=hospital-id");
            }
            hospitalsByFacility.put(parts[0].strip(), parts[1].strip());
        }
    }

    void start(@Observes StartupEvent started) throws InterruptedException {
        if (config.port().isEmpty()) {
            return;
        }
        Optional<SSLContext> tls = Mllp.tls(lis, certificates);
        hapi = tls.map(Mllp::context).orElseGet(Mllp::context);
        // Every version a laboratory system sends (2.3 to 2.5.1) is read as v2.5.1's structures.
        hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        server = hapi.newServer(config.port().get(), tls.isPresent());
        server.registerApplication("ORU", "R01", new Diagnoses());
        server.startAndWait();
        LOG.infof("laboratory system: taking final diagnoses as HL7 ORU^R01 on MLLP%s port %d from %s", tls.isPresent() ? " over mutual TLS" : "",
                config.port().get(),
                hospitalsByFacility.isEmpty() ? "no facility (cytotriage.lis.inbound.facilities is empty)" : hospitalsByFacility);
    }

    void stop(@Observes ShutdownEvent stopping) throws IOException {
        if (server != null) {
            server.stopAndWait();
            hapi.close();
        }
    }

    private final class Diagnoses implements ReceivingApplication<Message> {

        @Override
        public boolean canProcess(Message message) {
            return message instanceof ORU_R01;
        }

        @Override
        public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
            ORU_R01 oru = (ORU_R01) message;
            String facility = oru.getMSH().getSendingFacility().getNamespaceID().getValue();
            String controlId = oru.getMSH().getMessageControlID().getValue();
            String hospital = hospitalsByFacility.get(facility);
            if (hospital == null) {
                return answer(message, AcknowledgmentCode.AR, "sending facility '" + facility + "' (MSH-4) speaks for no hospital here");
            }
            ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            String caseId = firstNonBlank(order.getOBR().getFillerOrderNumber().getEntityIdentifier().getValue(),
                    order.getOBR().getPlacerOrderNumber().getEntityIdentifier().getValue());
            OBX bethesda = null;
            for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
                OBX obx = order.getOBSERVATION(i).getOBX();
                if (config.bethesdaObservation().equals(obx.getObservationIdentifier().getIdentifier().getValue())) {
                    bethesda = obx;
                }
            }
            if (caseId == null || controlId == null) {
                return answer(message, AcknowledgmentCode.AE, "the message names no case (OBR-3 or OBR-2) or has no control id (MSH-10)");
            }
            if (bethesda == null || bethesda.getObservationValue().length == 0) {
                return answer(message, AcknowledgmentCode.AE, "no OBX '" + config.bethesdaObservation() + "' with the Bethesda category");
            }
            XCN observer = bethesda.getResponsibleObserverReps() == 0 ? null : bethesda.getResponsibleObserver(0);
            if (observer == null || firstNonBlank(observer.getIDNumber().getValue()) == null) {
                return answer(message, AcknowledgmentCode.AE, "the diagnosis names no responsible cytopathologist (OBX-16)");
            }
            String category = firstNonBlank(bethesda.getObservationValue(0).getData().encode().split("\\^", -1)[0]);
            Actor cytopathologist = new Actor("hl7:" + facility + ":" + observer.getIDNumber().getValue(), observer.getIDNumber().getValue(),
                    name(observer));
            try {
                LisDiagnoses.Outcome outcome = diagnoses.record(hospital, controlId, caseId, category, cytopathologist);
                LOG.infof("laboratory system: message %s from %s: diagnosis %s of case %s %s", controlId, facility, category, caseId,
                        outcome.alreadyRecorded() ? "recorded before (the message again)" : "recorded");
                return message.generateACK();
            } catch (ProblemException refused) {
                // 409: another diagnosis of the case at the same moment; worth sending again. The rest will not change.
                return answer(message, refused.status() == 409 ? AcknowledgmentCode.AR : AcknowledgmentCode.AE, refused.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf("laboratory system: message %s from %s not recorded now: %s", controlId, facility, e.getMessage());
                return answer(message, AcknowledgmentCode.AR, "not recorded now, send it again: " + e.getMessage());
            } catch (IOException e) {
                throw new HL7Exception(e);
            }
        }

        private static Message answer(Message message, AcknowledgmentCode code, String reason) throws HL7Exception {
            try {
                return message.generateACK(code, new HL7Exception(reason));
            } catch (IOException e) {
                throw new HL7Exception(e);
            }
        }

        private static String name(XCN observer) {
            String family = observer.getFamilyName().getSurname().getValue();
            String given = observer.getGivenName().getValue();
            return family == null ? given : given == null ? family : given + " " + family;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
