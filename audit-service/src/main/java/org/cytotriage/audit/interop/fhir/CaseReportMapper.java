package org.cytotriage.audit.interop.fhir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.cytotriage.audit.casefile.CaseView;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * A case's AI result as FHIR R4, the way the IHE AI Results profile carries one: a collection Bundle
 * of a preliminary {@link DiagnosticReport} (category cytopathology), one {@link Observation} per
 * image with its treatment group, calibrated probabilities, review flag, conformal set and
 * assessability, the model as a {@link Device} (name, version, sha256) that each Observation names,
 * and each Grad-CAM overlay as a {@link Media} link. The report stays preliminary: the
 * cytopathologist's final diagnosis is the result of record. The only place audit-service builds FHIR.
 *
 * <p>The product's own codes live under {@value #CODES}; the Bethesda-based treatment groups have no
 * standard code of their own. Entries are named by UUIDs derived from the case and image ids, so the
 * same case gives the same Bundle every time it is asked for.
 */
public final class CaseReportMapper {

    /** The namespace of the product's code systems. */
    public static final String CODES = "https://cytotriage.org/fhir/CodeSystem/";
    public static final String TREATMENT_GROUPS = CODES + "treatment-group";
    public static final String OBSERVATION_CODES = CODES + "observation";
    public static final String MODEL_SHA256 = "urn:cytotriage:model-sha256";
    public static final String IMAGE_IDS = "urn:cytotriage:image-id";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final Map<String, String> GROUP_DISPLAY = Map.of(
            "BENIGN", "Benign (Bethesda II)",
            "INDETERMINATE", "Indeterminate or suspicious (Bethesda I, III, IV, V)",
            "MALIGNANT", "Malignant (Bethesda VI)");

    private CaseReportMapper() {
    }

    /** The case's images with a prediction, reported; {@code base}: this service's address, for the overlays' links. */
    public static Bundle toBundle(CaseView view, URI base) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setId(uuid("bundle", view.hospitalId(), view.caseId()).toString());
        DiagnosticReport report = new DiagnosticReport()
                .setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY)
                .addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0074", "CP", "Cytopathology")))
                .setCode(concept(OBSERVATION_CODES, "ai-triage-thyroid-fna", "AI triage of thyroid fine-needle aspiration cytology"));
        report.addIdentifier().setSystem("urn:cytotriage:case:" + view.hospitalId()).setValue(view.caseId());
        String reportUrl = fullUrl("report", view.hospitalId(), view.caseId());
        bundle.addEntry().setFullUrl(reportUrl).setResource(report);

        Map<String, String> devices = new LinkedHashMap<>();
        List<String> conclusion = new ArrayList<>();
        Instant issued = null;
        for (CaseView.Image image : view.images()) {
            CaseView.Prediction prediction = image.prediction();
            if (prediction == null) {
                continue;
            }
            String device = devices.computeIfAbsent(prediction.model().sha256(), sha256 -> {
                String url = fullUrl("device", sha256);
                bundle.addEntry().setFullUrl(url).setResource(device(prediction.model()));
                return url;
            });
            Observation observation = observation(image, prediction, device);
            String observationUrl = fullUrl("observation", view.hospitalId(), image.imageId());
            bundle.addEntry().setFullUrl(observationUrl).setResource(observation);
            report.addResult(new Reference(observationUrl));
            conclusion.add(image.imageId() + ": " + (prediction.group() == null ? "not assessed by the model"
                    : GROUP_DISPLAY.get(prediction.group())) + (prediction.flaggedForReview() ? ", flagged for review" : ""));
            if (issued == null || prediction.predictedAt().isAfter(issued)) {
                issued = prediction.predictedAt();
            }
            if (image.explanation() != null && image.explanation().overlayUrl() != null) {
                String mediaUrl = fullUrl("overlay", view.hospitalId(), image.imageId());
                bundle.addEntry().setFullUrl(mediaUrl).setResource(overlay(image, base));
                report.addMedia().setComment("Grad-CAM overlay of image " + image.imageId() + " for "
                        + image.explanation().group()).setLink(new Reference(mediaUrl));
            }
        }
        view.images().stream().map(CaseView.Image::receivedAt).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .ifPresent(received -> report.setEffective(new DateTimeType(Date.from(received))));
        if (issued != null) {
            report.setIssued(Date.from(issued));
        }
        report.setConclusion("Preliminary AI triage, to be confirmed by a cytopathologist. " + String.join("; ", conclusion));
        return bundle;
    }

    private static Observation observation(CaseView.Image image, CaseView.Prediction prediction, String device) {
        Observation observation = new Observation()
                .setStatus(Observation.ObservationStatus.PRELIMINARY)
                .addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory",
                        "Laboratory")))
                .setCode(concept(OBSERVATION_CODES, "treatment-group", "AI triage treatment group"))
                .setEffective(new DateTimeType(Date.from(prediction.predictedAt())))
                .setIssued(Date.from(prediction.predictedAt()))
                .setDevice(new Reference(device));
        observation.addIdentifier().setSystem(IMAGE_IDS).setValue(image.imageId());
        if (prediction.group() != null) {
            observation.setValue(concept(TREATMENT_GROUPS, prediction.group(), GROUP_DISPLAY.get(prediction.group())));
        } else {
            // The model must not answer for this image: no value, and why.
            observation.setDataAbsentReason(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "not-performed", "Not Performed")));
            observation.addNote().setText("Not assessed by the model: " + String.join(", ", prediction.assessment().reasons()));
        }
        CaseView.Probabilities p = prediction.probabilities();
        probability(observation, "BENIGN", p.benign());
        probability(observation, "INDETERMINATE", p.indeterminate());
        probability(observation, "MALIGNANT", p.malignant());
        observation.addComponent().setCode(concept(OBSERVATION_CODES, "flagged-for-review", "Flagged for the cytopathologist's review"))
                .setValue(new BooleanType(prediction.flaggedForReview()));
        if (prediction.predictionSet() != null) {
            for (String group : prediction.predictionSet().groups()) {
                observation.addComponent().setCode(concept(OBSERVATION_CODES, "prediction-set-member", "In the conformal prediction set at "
                        + prediction.predictionSet().targetCoverage() + " coverage"))
                        .setValue(concept(TREATMENT_GROUPS, group, GROUP_DISPLAY.get(group)));
            }
        }
        if (prediction.assessment() != null) {
            observation.addComponent().setCode(concept(OBSERVATION_CODES, "assessable", "Assessable by the model"))
                    .setValue(new BooleanType(prediction.assessment().assessable()));
        }
        return observation;
    }

    private static void probability(Observation observation, String group, double value) {
        observation.addComponent().setCode(concept(OBSERVATION_CODES, "probability-" + group.toLowerCase(),
                "Calibrated probability: " + GROUP_DISPLAY.get(group)))
                .setValue(new Quantity().setValue(value).setUnit("probability").setSystem(UCUM).setCode("1"));
    }

    private static Device device(CaseView.Model model) {
        Device device = new Device();
        device.addIdentifier().setSystem(MODEL_SHA256).setValue(model.sha256());
        device.addDeviceName().setName(model.name()).setType(Device.DeviceNameType.MODELNAME);
        device.addVersion().setValue(model.version());
        device.setType(new CodeableConcept().setText("AI triage model for thyroid FNA cytology (CytoTriage)"));
        return device;
    }

    private static Media overlay(CaseView.Image image, URI base) {
        Media media = new Media().setStatus(Media.MediaStatus.COMPLETED);
        media.addIdentifier().setSystem(IMAGE_IDS).setValue(image.imageId());
        media.setContent(new Attachment().setContentType("image/png").setUrl(base.resolve(image.explanation().overlayUrl()).toString())
                .setTitle("Grad-CAM overlay, " + image.explanation().group()));
        return media;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display)).setText(display);
    }

    private static String fullUrl(String... parts) {
        return "urn:uuid:" + uuid(parts);
    }

    private static UUID uuid(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
    }
}
