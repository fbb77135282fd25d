package org.cytotriage.audit.interop.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A case's AI result as FHIR R4, read over HTTP as a record system would, parsed by HAPI and judged
 * by HAPI's validator against the base R4 profiles.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class CaseReportTest {

    private static final FhirContext R4 = FhirContext.forR4();
    private static FhirValidator validator;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @BeforeAll
    static void validator() {
        ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(R4),
                new SnapshotGeneratingValidationSupport(R4), new InMemoryTerminologyServerValidationSupport(R4),
                new CommonCodeSystemsTerminologyService(R4));
        validator = R4.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    }

    @Test
    void aCaseWithAPredictionAndAnOverlayIsAValidPreliminaryDiagnosticReport() {
        String caseId = "case-fhir-" + UUID.randomUUID().toString().substring(0, 8);
        String flagged = UUID.randomUUID().toString();
        String benign = UUID.randomUUID().toString();
        Instant at = Instant.parse("2026-12-07T10:15:30Z");
        PredictionMade malignant = AuditEvents.prediction(caseId, "hospital-a", flagged, AuditEvents.MODEL, at, 0.1, 0.2, 0.7, true);
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", flagged, "sha256/ab/" + flagged, at.minusSeconds(5)));
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", benign, "sha256/ab/" + benign, at.minusSeconds(4)));
        writer.send(Topics.PREDICTIONS, caseId, malignant);
        writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, "hospital-a", benign, AuditEvents.MODEL, at.plusSeconds(1),
                0.8, 0.15, 0.05, false));
        ExplanationReady explanation = AuditEvents.explanation(malignant);
        explanation.setOverlayKey("sha256/ov/" + flagged);
        writer.send(Topics.EXPLANATIONS, caseId, explanation);

        String json = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(
                () -> As.cytopathologist("hospital-a").when().get("/api/v1/cases/" + caseId + "/fhir").then().statusCode(200)
                        .contentType("application/fhir+json").extract().asString(),
                body -> body.contains("\"Media\"") && body.split("\"Observation\"", -1).length == 3);

        Bundle bundle = R4.newJsonParser().parseResource(Bundle.class, json);
        List<SingleValidationMessage> problems = validator.validateWithResult(bundle).getMessages().stream()
                .filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
        assertThat(problems).as("errors of HAPI's validator against the base R4 profiles").isEmpty();

        DiagnosticReport report = only(bundle, DiagnosticReport.class);
        assertThat(report.getStatus()).as("an AI result stays preliminary").isEqualTo(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
        assertThat(report.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("CP");
        assertThat(report.getIdentifierFirstRep().getValue()).isEqualTo(caseId);
        assertThat(report.getResult()).hasSize(2);
        assertThat(report.getIssued()).isEqualTo(java.util.Date.from(at.plusSeconds(1)));
        Device model = only(bundle, Device.class);
        assertThat(model.getIdentifierFirstRep().getValue()).isEqualTo(AuditEvents.MODEL.getSha256());
        assertThat(model.getVersionFirstRep().getValue()).isEqualTo(AuditEvents.MODEL.getVersion());
        assertThat(model.getDeviceNameFirstRep().getName()).isEqualTo(AuditEvents.MODEL.getName());

        Observation observation = observationOf(bundle, flagged);
        assertThat(((CodeableConcept) observation.getValue()).getCodingFirstRep().getCode()).isEqualTo("MALIGNANT");
        assertThat(observation.getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
        assertThat(component(observation, "probability-malignant").getValueQuantity().getValue().doubleValue()).isEqualTo(0.7);
        assertThat(component(observation, "probability-benign").getValueQuantity().getValue().doubleValue()).isEqualTo(0.1);
        assertThat(component(observation, "flagged-for-review").getValueBooleanType().booleanValue()).isTrue();
        assertThat(observation.getDevice().getReference()).isEqualTo(entryUrl(bundle, model));
        assertThat(((CodeableConcept) observationOf(bundle, benign).getValue()).getCodingFirstRep().getCode()).isEqualTo("BENIGN");
        assertThat(component(observationOf(bundle, benign), "flagged-for-review").getValueBooleanType().booleanValue()).isFalse();

        Media overlay = only(bundle, Media.class);
        assertThat(overlay.getContent().getUrl()).startsWith("http").endsWith("/api/v1/images/" + flagged + "/overlay");
        assertThat(report.getMediaFirstRep().getLink().getReference()).isEqualTo(entryUrl(bundle, overlay));
    }

    @Test
    void theValidatorFindsAReportWithoutItsRequiredStatus() {
        // That the validator above can fail: base R4 requires DiagnosticReport.status and .code.
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(new DiagnosticReport());
        assertThat(validator.validateWithResult(bundle).getMessages()).extracting(SingleValidationMessage::getSeverity)
                .contains(ResultSeverityEnum.ERROR);
    }

    @Test
    void anUnknownCaseIsA404Problem() {
        As.cytopathologist("hospital-a").when().get("/api/v1/cases/no-such-case/fhir").then().statusCode(404)
                .contentType(org.hamcrest.Matchers.containsString("application/problem+json"));
    }

    @Test
    void anotherHospitalsCaseIsNotFound() {
        String caseId = "case-fhir-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", imageId, "sha256/ab/" + imageId, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                As.cytopathologist("hospital-a").when().get("/api/v1/cases/" + caseId + "/fhir").then().statusCode(200));
        As.cytopathologist("hospital-b").when().get("/api/v1/cases/" + caseId + "/fhir").then().statusCode(404);
    }

    private static <T> T only(Bundle bundle, Class<T> type) {
        List<T> found = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast)
                .toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static Observation observationOf(Bundle bundle, String imageId) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Observation.class::isInstance)
                .map(Observation.class::cast).filter(o -> o.getIdentifierFirstRep().getValue().equals(imageId)).findFirst().orElseThrow();
    }

    private static Observation.ObservationComponentComponent component(Observation observation, String code) {
        return observation.getComponent().stream().filter(c -> c.getCode().getCodingFirstRep().getCode().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no component " + code));
    }

    private static String entryUrl(Bundle bundle, org.hl7.fhir.r4.model.Resource resource) {
        return bundle.getEntry().stream().filter(entry -> entry.getResource() == resource).findFirst().orElseThrow().getFullUrl();
    }
}
