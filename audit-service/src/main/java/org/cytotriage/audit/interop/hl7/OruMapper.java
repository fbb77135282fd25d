package org.cytotriage.audit.interop.hl7;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.cytotriage.audit.casefile.CaseView;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.NM;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;

/**
 * A case's AI result as an HL7 v2.5.1 ORU^R01 for the laboratory system: one OBR for the case (its
 * case id as filler order number, under its hospital; result status P, or C for a correction of the
 * message before), and for each predicted image a group of OBXs sharing the image's number as
 * sub-id: the treatment group, the calibrated probabilities, the review flag, the conformal set and
 * the image's id, each naming the model in OBX-18. An image the model must not answer for has its
 * group OBX with status X (no result) and the reasons as a note. Codes are local ("L"), the same as
 * the FHIR report's code system.
 */
final class OruMapper {

    static final String SENDING_APPLICATION = "CYTOTRIAGE";
    static final String NOTICE = "NOT FOR CLINICAL USE: AI triage by a demonstration model trained on synthetic data. "
            + "A preliminary result; the cytopathologist's diagnosis is the result.";
    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String LOCAL = "L";

    private OruMapper() {
    }

    /** The message as ER7 (segments ending in CR); {@code correction}: OBR-25 and OBX-11 are C, not P. */
    static String toMessage(CaseView view, String controlId, boolean correction, Instant now, LisConfig lis) {
        try {
            ORU_R01 oru = new ORU_R01();
            String status = correction ? "C" : "P";
            header(oru.getMSH(), view, controlId, now, lis);
            ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            List<CaseView.Image> predicted = view.images().stream().filter(image -> image.prediction() != null)
                    .sorted(Comparator.comparing(CaseView.Image::receivedAt).thenComparing(CaseView.Image::imageId)).toList();
            request(order.getOBR(), view, predicted, status, now);
            order.getNTE(0).getSetIDNTE().setValue("1");
            order.getNTE(0).getComment(0).setValue(NOTICE);
            Observations observations = new Observations(order);
            for (int number = 1; number <= predicted.size(); number++) {
                observe(oru, observations, predicted.get(number - 1), String.valueOf(number), status);
            }
            return oru.encode();
        } catch (HL7Exception e) {
            throw new IllegalStateException("the case's ORU^R01 cannot be built: " + e.getMessage(), e);
        }
    }

    private static void header(MSH msh, CaseView view, String controlId, Instant now, LisConfig lis) throws DataTypeException {
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(SENDING_APPLICATION);
        msh.getSendingFacility().getNamespaceID().setValue(view.hospitalId());
        msh.getReceivingApplication().getNamespaceID().setValue(lis.receivingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(lis.receivingFacility());
        msh.getDateTimeOfMessage().getTime().setValue(HL7_TIME.format(now));
        msh.getMessageType().getMessageCode().setValue("ORU");
        msh.getMessageType().getTriggerEvent().setValue("R01");
        msh.getMessageType().getMessageStructure().setValue("ORU_R01");
        msh.getMessageControlID().setValue(controlId);
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.5.1");
        // MSH-18: the notes and names may hold characters outside ASCII. (No MSH-15/16: original acknowledgement
        // mode, the receiver answers each message with an ACK on the same connection.)
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
    }

    private static void request(OBR obr, CaseView view, List<CaseView.Image> predicted, String status, Instant now) throws DataTypeException {
        obr.getSetIDOBR().setValue("1");
        obr.getPlacerOrderNumber().getEntityIdentifier().setValue(view.caseId());
        obr.getPlacerOrderNumber().getNamespaceID().setValue(view.hospitalId());
        obr.getFillerOrderNumber().getEntityIdentifier().setValue(view.caseId());
        obr.getFillerOrderNumber().getNamespaceID().setValue(SENDING_APPLICATION);
        obr.getUniversalServiceIdentifier().getIdentifier().setValue("FNA-AI-TRIAGE");
        obr.getUniversalServiceIdentifier().getText().setValue("AI triage of thyroid FNA cytology");
        obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue(LOCAL);
        predicted.stream().map(image -> image.prediction().predictedAt()).filter(Objects::nonNull).max(Comparator.naturalOrder())
                .ifPresent(latest -> setTime(obr.getObservationDateTime().getTime(), latest));
        obr.getResultsRptStatusChngDateTime().getTime().setValue(HL7_TIME.format(now));
        // HL7 table 0074: CP, cytopathology (the FHIR report's category).
        obr.getDiagnosticServSectID().setValue("CP");
        obr.getResultStatus().setValue(status);
    }

    private static void observe(ORU_R01 oru, Observations observations, CaseView.Image image, String number, String status)
            throws HL7Exception {
        CaseView.Prediction prediction = image.prediction();
        if (prediction.group() == null) {
            observation(observations.next(), "TREATMENT-GROUP", "AI treatment group", number, "X", prediction);
            observations.note("not assessed: " + reasons(image));
        } else {
            OBX group = observation(observations.next(), "TREATMENT-GROUP", "AI treatment group", number, status, prediction);
            value(group, "CWE", coded(oru, prediction.group(), groupText(prediction.group())));
            CaseView.Probabilities p = prediction.probabilities();
            probability(oru, observations.next(), "P-BENIGN", "Probability benign", number, status, prediction, p.benign());
            probability(oru, observations.next(), "P-INDETERMINATE", "Probability indeterminate/suspicious", number, status, prediction,
                    p.indeterminate());
            probability(oru, observations.next(), "P-MALIGNANT", "Probability malignant", number, status, prediction, p.malignant());
            OBX review = observation(observations.next(), "REVIEW", "Flagged for review", number, status, prediction);
            // HL7 table 0136: Y / N.
            value(review, "CWE", coded(oru, prediction.flaggedForReview() ? "Y" : "N", prediction.flaggedForReview() ? "Yes" : "No", "HL70136"));
            if (prediction.predictionSet() != null && !prediction.predictionSet().groups().isEmpty()) {
                OBX set = observation(observations.next(), "PREDICTION-SET", "Groups plausible at the target coverage", number, status,
                        prediction);
                set.getValueType().setValue("CWE");
                for (int i = 0; i < prediction.predictionSet().groups().size(); i++) {
                    String member = prediction.predictionSet().groups().get(i);
                    set.getObservationValue(i).setData(coded(oru, member, groupText(member)));
                }
            }
        }
        OBX imageId = observation(observations.next(), "IMAGE-ID", "Image", number, prediction.group() == null ? "X" : status, prediction);
        ST id = new ST(oru);
        id.setValue(image.imageId());
        value(imageId, "ST", id);
    }

    /** The order's OBSERVATION groups, filled in turn, numbered from 1. */
    private static final class Observations {

        private final ORU_R01_ORDER_OBSERVATION order;
        private int count;

        Observations(ORU_R01_ORDER_OBSERVATION order) {
            this.order = order;
        }

        OBX next() throws HL7Exception {
            OBX obx = order.getOBSERVATION(count++).getOBX();
            obx.getSetIDOBX().setValue(String.valueOf(count));
            return obx;
        }

        /** A note on the last observation. */
        void note(String text) throws HL7Exception {
            order.getOBSERVATION(count - 1).getNTE(0).getSetIDNTE().setValue("1");
            order.getOBSERVATION(count - 1).getNTE(0).getComment(0).setValue(text);
        }
    }

    private static void probability(ORU_R01 oru, OBX obx, String code, String text, String number, String status, CaseView.Prediction prediction,
            double value) throws HL7Exception {
        observation(obx, code, text, number, status, prediction);
        NM nm = new NM(oru);
        nm.setValue(String.format(Locale.ROOT, "%.4f", value));
        value(obx, "NM", nm);
        obx.getUnits().getIdentifier().setValue("1");
        obx.getUnits().getNameOfCodingSystem().setValue("UCUM");
    }

    private static OBX observation(OBX obx, String code, String text, String number, String status, CaseView.Prediction prediction)
            throws HL7Exception {
        obx.getObservationIdentifier().getIdentifier().setValue(code);
        obx.getObservationIdentifier().getText().setValue(text);
        obx.getObservationIdentifier().getNameOfCodingSystem().setValue(LOCAL);
        obx.getObservationSubID().setValue(number);
        obx.getObservationResultStatus().setValue(status);
        if (prediction.predictedAt() != null) {
            setTime(obx.getDateTimeOfTheAnalysis().getTime(), prediction.predictedAt());
        }
        // The model that made it: name and version, its ONNX file's sha256 as the universal id.
        obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().setValue(prediction.model().name() + " " + prediction.model().version());
        obx.getEquipmentInstanceIdentifier(0).getNamespaceID().setValue(SENDING_APPLICATION);
        obx.getEquipmentInstanceIdentifier(0).getUniversalID().setValue(prediction.model().sha256());
        obx.getEquipmentInstanceIdentifier(0).getUniversalIDType().setValue("SHA256");
        return obx;
    }

    private static void value(OBX obx, String type, Type value) throws HL7Exception {
        obx.getValueType().setValue(type);
        obx.getObservationValue(0).setData(value);
    }

    private static CWE coded(ORU_R01 oru, String code, String text) throws DataTypeException {
        return coded(oru, code, text, LOCAL);
    }

    private static CWE coded(ORU_R01 oru, String code, String text, String system) throws DataTypeException {
        CWE cwe = new CWE(oru);
        cwe.getIdentifier().setValue(code);
        cwe.getText().setValue(text);
        cwe.getNameOfCodingSystem().setValue(system);
        return cwe;
    }

    private static String groupText(String group) {
        return switch (group) {
            case "BENIGN" -> "Benign (Bethesda II)";
            case "INDETERMINATE" -> "Indeterminate/suspicious (Bethesda I, III, IV, V)";
            case "MALIGNANT" -> "Malignant (Bethesda VI)";
            default -> group;
        };
    }

    private static String reasons(CaseView.Image image) {
        CaseView.Assessment assessment = image.prediction().assessment();
        return assessment == null || assessment.reasons().isEmpty() ? "the model must not answer for this image"
                : String.join("; ", assessment.reasons());
    }

    private static void setTime(ca.uhn.hl7v2.model.v251.datatype.DTM time, Instant at) {
        try {
            time.setValue(HL7_TIME.format(at));
        } catch (DataTypeException e) {
            throw new IllegalStateException("an instant always formats as an HL7 time", e);
        }
    }
}
