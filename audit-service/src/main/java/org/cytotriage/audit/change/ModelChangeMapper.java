package org.cytotriage.audit.change;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.cytotriage.events.v1.Approval;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.ChangeDecisionKind;
import org.cytotriage.events.v1.EpochProgress;
import org.cytotriage.events.v1.GateReport;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingDataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Between the change-control events and this context's records: the only class of audit.change
 * that touches Avro types. The dataset, recipe and gate go to jsonb in the shapes of
 * {@link ChangeRecordView}, with the events' own field names.
 */
final class ModelChangeMapper {

    private ModelChangeMapper() {
    }

    static ModelChangeRecord toRecord(ModelChange event, ObjectMapper json) {
        ModelChangeRecord record = new ModelChangeRecord();
        record.eventId = event.getEventId();
        record.modelName = event.getParent().getName();
        record.requestId = event.getRequestId();
        record.parentVersion = event.getParent().getVersion();
        record.parentSha256 = event.getParent().getSha256();
        if (event.getCandidate() != null) {
            record.candidateVersion = event.getCandidate().getVersion();
            record.candidateSha256 = event.getCandidate().getSha256();
        }
        record.step = event.getStep().name();
        record.detail = event.getDetail();
        EpochProgress progress = event.getProgress();
        if (progress != null) {
            record.epoch = progress.getEpoch();
            record.epochs = progress.getEpochs();
            record.loss = progress.getLoss();
            record.validationMacroF1 = progress.getValidationMacroF1();
        }
        record.dataset = event.getDataset() == null ? null : write(json, toView(event.getDataset()));
        record.recipe = event.getRecipe() == null ? null : write(json, recipe(event.getRecipe()));
        record.gate = event.getGate() == null ? null : write(json, toView(event.getGate()));
        record.occurredAt = event.getOccurredAt();
        return record;
    }

    static ShadowPredictionRecord toShadowRecord(PredictionMade event) {
        ShadowPredictionRecord record = new ShadowPredictionRecord();
        record.eventId = event.getEventId();
        record.imageId = event.getImageId();
        record.caseId = event.getCaseId();
        record.hospitalId = event.getHospitalId();
        record.modelName = event.getModel().getName();
        record.modelVersion = event.getModel().getVersion();
        record.modelSha256 = event.getModel().getSha256();
        boolean notAssessable = event.getAssessment() != null && event.getAssessment().getVerdict() == AssessabilityVerdict.NOT_ASSESSABLE;
        record.assessable = event.getAssessment() == null ? null : !notAssessable;
        record.predictedGroup = notAssessable ? null : event.getPredictedGroup().name();
        record.pBenign = event.getProbabilities().getBenign();
        record.pIndeterminate = event.getProbabilities().getIndeterminate();
        record.pMalignant = event.getProbabilities().getMalignant();
        record.predictedAt = event.getPredictedAt();
        return record;
    }

    /** The decision as the worker reads it, with the approvals (a rollback's: who asked for it). */
    static ChangeDecision toEvent(ChangeDecisionRecord decision, List<ChangeRecordView.Approval> approvals) {
        return ChangeDecision.newBuilder()
                .setEventId(decision.eventId)
                .setDecidedAt(decision.decidedAt)
                .setModel(decision.modelName)
                .setDecision(ChangeDecisionKind.valueOf(decision.kind))
                .setVersion(decision.modelVersion)
                .setRequestId(decision.requestId)
                .setApprovals(approvals.stream().map(a -> Approval.newBuilder().setRole(a.role()).setSubject(a.subject())
                        .setUsername(a.username()).setApprovedAt(a.approvedAt()).setNote(a.note()).build()).toList())
                .build();
    }

    private static ChangeRecordView.Dataset toView(RetrainingDataset dataset) {
        return new ChangeRecordView.Dataset(dataset.getManifestSha256(), dataset.getImages(), dataset.getTrainImages(),
                dataset.getValidationImages(), dataset.getHeldOutImages(), dataset.getUnusable(), dataset.getSplitSeed());
    }

    private static ChangeRecordView.Gate toView(GateReport gate) {
        return new ChangeRecordView.Gate(gate.getPlan(), gate.getPlanSha256(), gate.getPassed(), gate.getCriteria().stream()
                .map(c -> new ChangeRecordView.Criterion(c.getName(), c.getDataset(), c.getCandidate(), c.getLive(), c.getEstimate(),
                        c.getLower(), c.getUpper(), c.getBound(), c.getPassed(), c.getRule()))
                .toList());
    }

    /** Sorted by key, as Avro maps have no order. */
    private static Map<String, String> recipe(Map<String, String> recipe) {
        return new TreeMap<>(recipe);
    }

    private static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
