package org.cytotriage.audit.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.avro.Schema;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.infra.RealInfraTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The columns that keep an event's strings hold exactly what the event's schema allows: each
 * column's declared length is read from the migrated database and compared with the field's
 * {@code maxLength} in the schema, so neither can change without the other. A {@code text} column
 * holds any bound.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class ColumnsHoldEventFieldsTest {

    /** Where audit keeps each string field it records: event field path, then table.column. */
    private static final Map<String, List<String>> KEPT_IN = new LinkedHashMap<>();

    static {
        keep(ImageReceived.getClassSchema(), "eventId", "images.event_id");
        keep(ImageReceived.getClassSchema(), "imageId", "images.image_id");
        keep(ImageReceived.getClassSchema(), "caseId", "images.case_id", "cases.case_id");
        keep(ImageReceived.getClassSchema(), "hospitalId", "images.hospital_id", "cases.hospital_id");
        keep(ImageReceived.getClassSchema(), "image.key", "images.store_key");
        keep(ImageReceived.getClassSchema(), "image.sha256", "images.sha256");
        keep(ImageReceived.getClassSchema(), "image.mediaType", "images.media_type");
        keep(ImageReceived.getClassSchema(), "originalFileName", "images.original_filename");
        keep(ImageReceived.getClassSchema(), "source", "images.source");
        keep(ImageReceived.getClassSchema(), "dicom.studyInstanceUid", "images.study_instance_uid");
        keep(ImageReceived.getClassSchema(), "dicom.seriesInstanceUid", "images.series_instance_uid");
        keep(ImageReceived.getClassSchema(), "dicom.sopInstanceUid", "images.sop_instance_uid");
        keep(ImageReceived.getClassSchema(), "dicom.sopClassUid", "images.sop_class_uid");
        keep(PredictionMade.getClassSchema(), "eventId", "predictions.event_id");
        keep(PredictionMade.getClassSchema(), "imageId", "predictions.image_id");
        keep(PredictionMade.getClassSchema(), "caseId", "predictions.case_id");
        keep(PredictionMade.getClassSchema(), "hospitalId", "predictions.hospital_id");
        keep(PredictionMade.getClassSchema(), "model.name", "predictions.model_name");
        keep(PredictionMade.getClassSchema(), "model.version", "predictions.model_version");
        keep(PredictionMade.getClassSchema(), "model.sha256", "predictions.model_sha256");
        keep(ExplanationReady.getClassSchema(), "eventId", "explanations.event_id");
        keep(ExplanationReady.getClassSchema(), "predictionEventId", "explanations.prediction_event_id");
        keep(ExplanationReady.getClassSchema(), "imageId", "explanations.image_id");
        keep(ExplanationReady.getClassSchema(), "caseId", "explanations.case_id");
        keep(ExplanationReady.getClassSchema(), "model.name", "explanations.model_name");
        keep(ExplanationReady.getClassSchema(), "model.version", "explanations.model_version");
        keep(ExplanationReady.getClassSchema(), "model.sha256", "explanations.model_sha256");
        keep(ExplanationReady.getClassSchema(), "method", "explanations.method");
        keep(ExplanationReady.getClassSchema(), "overlayKey", "explanations.overlay_key");
        keep(ExplanationReady.getClassSchema(), "hospitalId", "explanations.hospital_id");
        keep(DiagnosisRecorded.getClassSchema(), "eventId", "diagnoses.event_id");
        keep(DiagnosisRecorded.getClassSchema(), "caseId", "diagnoses.case_id");
        keep(DiagnosisRecorded.getClassSchema(), "hospitalId", "diagnoses.hospital_id");
        keep(DiagnosisRecorded.getClassSchema(), "recordedBy", "diagnoses.recorded_by");
        keep(DiagnosisRecorded.getClassSchema(), "comment", "diagnoses.comment");
        keep(DiagnosisRecorded.getClassSchema(), "recordedBySubject", "diagnoses.recorded_by_subject");
        keep(ModelPublished.getClassSchema(), "model.name", "model_cards.model_name");
        keep(ModelPublished.getClassSchema(), "model.version", "model_cards.model_version");
        keep(ModelPublished.getClassSchema(), "model.sha256", "model_cards.model_sha256");
        keep(ModelPublished.getClassSchema(), "location", "model_cards.location");
        keep(RetrainingRequested.getClassSchema(), "eventId", "retraining_requests.event_id");
        keep(RetrainingRequested.getClassSchema(), "reason", "retraining_requests.reason");
        keep(RetrainingRequested.getClassSchema(), "liveModel.name", "retraining_requests.model_name");
        keep(RetrainingRequested.getClassSchema(), "liveModel.version", "retraining_requests.model_version");
        keep(ModelChange.getClassSchema(), "eventId", "model_changes.event_id");
        keep(ModelChange.getClassSchema(), "requestId", "model_changes.request_id");
        keep(ModelChange.getClassSchema(), "parent.name", "model_changes.model_name");
        keep(ModelChange.getClassSchema(), "parent.version", "model_changes.parent_version");
        keep(ModelChange.getClassSchema(), "parent.sha256", "model_changes.parent_sha256");
        keep(ModelChange.getClassSchema(), "detail", "model_changes.detail");
        keep(ChangeDecision.getClassSchema(), "eventId", "change_decisions.event_id");
        keep(ChangeDecision.getClassSchema(), "model", "change_decisions.model_name", "change_approvals.model_name");
        keep(ChangeDecision.getClassSchema(), "version", "change_decisions.model_version", "change_approvals.model_version",
                "model_changes.candidate_version");
        keep(ChangeDecision.getClassSchema(), "requestId", "change_decisions.request_id");
        keep(ChangeDecision.getClassSchema(), "approvals.role", "change_approvals.role");
        keep(ChangeDecision.getClassSchema(), "approvals.subject", "change_approvals.subject", "change_decisions.decided_by_subject");
        keep(ChangeDecision.getClassSchema(), "approvals.username", "change_approvals.username", "change_decisions.decided_by");
        keep(ChangeDecision.getClassSchema(), "approvals.note", "change_approvals.note", "change_decisions.note");
        keep(PredictionMade.getClassSchema(), "eventId", "shadow_predictions.event_id");
        keep(PredictionMade.getClassSchema(), "imageId", "shadow_predictions.image_id");
        keep(PredictionMade.getClassSchema(), "caseId", "shadow_predictions.case_id");
        keep(PredictionMade.getClassSchema(), "hospitalId", "shadow_predictions.hospital_id");
        keep(PredictionMade.getClassSchema(), "model.name", "shadow_predictions.model_name");
        keep(PredictionMade.getClassSchema(), "model.version", "shadow_predictions.model_version");
        keep(PredictionMade.getClassSchema(), "model.sha256", "shadow_predictions.model_sha256", "model_changes.candidate_sha256");
        for (String field : List.of("eventId", "service", "sourceTopic", "sourceKey", "sourceEventId", "imageId", "caseId",
                "hospitalId", "reason", "errorClass")) {
            keep(DeadLetter.getClassSchema(), field, "dead_letters." + field.replaceAll("([A-Z])", "_$1").toLowerCase());
        }
    }

    @Inject
    EntityManager entityManager;

    @Test
    void everyColumnThatKeepsAnEventStringHoldsExactlyTheSchemasBound() {
        List<String> disagreements = new ArrayList<>();
        KEPT_IN.forEach((field, columns) -> {
            int bound = bound(field);
            for (String column : columns) {
                Object[] declared = declared(column);
                assertThat(declared).as("column %s exists", column).isNotNull();
                boolean unbounded = "text".equals(declared[0]);
                if (!unbounded && (declared[1] == null || ((Number) declared[1]).intValue() != bound)) {
                    disagreements.add(field + " allows " + bound + " characters; " + column + " is " + declared[0] + "(" + declared[1] + ")");
                }
            }
        });
        assertThat(disagreements).isEmpty();
    }

    /** Columns of those tables that no event field fills: audit's own values, bounded by the code that writes them. */
    private static final List<String> AUDITS_OWN = List.of("images.trace_id", "predictions.trace_id", "explanations.trace_id",
            "predictions.predicted_group", "explanations.explained_group", "diagnoses.bethesda", "diagnoses.treatment_group",
            "dead_letters.redriven_by", "dead_letters.redrive_event_id", "dead_letters.redriven_by_subject",
            // The prediction set's groups joined (at most "BENIGN,INDETERMINATE,MALIGNANT"), and the verdict's reasons a line each (text).
            "predictions.prediction_set", "predictions.assessment_reasons",
            // The change ledger's step (a ChangeStep symbol), a shadow prediction's group, a decision's kind; the jsonb columns are not strings.
            "model_changes.step", "shadow_predictions.predicted_group", "change_decisions.kind");

    @Test
    void everyStringColumnOfTheTablesThatKeepEventsIsComparedHere() {
        List<String> kept = KEPT_IN.values().stream().flatMap(List::stream).toList();
        List<?> columns = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select table_name || '.' || column_name from information_schema.columns
                where table_schema = current_schema() and data_type in ('character varying', 'text')
                  and table_name in ('cases', 'images', 'predictions', 'explanations', 'diagnoses', 'dead_letters', 'model_changes',
                                     'shadow_predictions', 'change_approvals', 'change_decisions')""", String.class)
                .getResultList());
        assertThat(columns).isNotEmpty().allSatisfy(column -> assertThat(kept.contains(column) || AUDITS_OWN.contains(column))
                .as("%s is filled from an event field named in KEPT_IN, or is audit's own", column).isTrue());
    }

    private Object[] declared(String column) {
        String[] parts = column.split("\\.");
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select data_type, character_maximum_length from information_schema.columns
                where table_schema = current_schema() and table_name = ?1 and column_name = ?2""", Object[].class)
                .setParameter(1, parts[0]).setParameter(2, parts[1]).getResultList());
        return rows.isEmpty() ? null : (Object[]) rows.get(0);
    }

    /** The record a field holds: itself, its array's items, or its union's branch that is not null. */
    private static Schema recordOf(Schema schema) {
        return switch (schema.getType()) {
            case ARRAY -> recordOf(schema.getElementType());
            case UNION -> recordOf(schema.getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL).findFirst().orElseThrow());
            default -> schema;
        };
    }

    private static void keep(Schema event, String field, String... columns) {
        KEPT_IN.merge(event.getName() + "." + field, List.of(columns),
                (earlier, more) -> java.util.stream.Stream.concat(earlier.stream(), more.stream()).toList());
    }

    /** The schema's bound of "Event.path.to.field". */
    private static int bound(String qualified) {
        String event = qualified.substring(0, qualified.indexOf('.'));
        Schema schema = switch (event) {
            case "ImageReceived" -> ImageReceived.getClassSchema();
            case "PredictionMade" -> PredictionMade.getClassSchema();
            case "ExplanationReady" -> ExplanationReady.getClassSchema();
            case "DiagnosisRecorded" -> DiagnosisRecorded.getClassSchema();
            case "ModelPublished" -> ModelPublished.getClassSchema();
            case "RetrainingRequested" -> RetrainingRequested.getClassSchema();
            case "DeadLetter" -> DeadLetter.getClassSchema();
            case "ModelChange" -> ModelChange.getClassSchema();
            case "ChangeDecision" -> ChangeDecision.getClassSchema();
            default -> throw new IllegalArgumentException(event);
        };
        String[] path = qualified.substring(event.length() + 1).split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            schema = recordOf(schema.getField(path[i]).schema());
        }
        return FieldLimits.maxLength(schema, path[path.length - 1]).orElseThrow();
    }
}
