package org.cytotriage.audit.change;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.model.ModelPublicationRecord;
import org.cytotriage.audit.retraining.RetrainingRequestRecord;
import org.cytotriage.support.identity.HospitalScope;
import org.cytotriage.support.problem.ProblemException;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the change ledger: a model's entries (every step, approval, decision and publication, oldest
 * first), the retraining jobs' progress, and one version's change record.
 */
@ApplicationScoped
class ChangeRecords {

    static final String TAKEN = "TAKEN";

    private final ShadowComparisons shadow;
    private final ObjectMapper json;

    ChangeRecords(ShadowComparisons shadow, ObjectMapper json) {
        this.shadow = shadow;
        this.json = json;
    }

    /** One job per retraining request with steps on record, the most recently updated first; {@code model} null: every model. */
    @Transactional
    List<RetrainingJob> jobs(String model) {
        Map<String, List<ModelChangeRecord>> byRequest = new LinkedHashMap<>();
        ModelChangeRecord.ofModel(model).forEach(step -> byRequest.computeIfAbsent(step.requestId, id -> new ArrayList<>()).add(step));
        List<RetrainingJob> jobs = new ArrayList<>();
        byRequest.forEach((requestId, steps) -> jobs.add(job(requestId, new CandidateSteps(steps))));
        jobs.sort(Comparator.comparing(RetrainingJob::updatedAt).reversed().thenComparing(RetrainingJob::requestId));
        return jobs;
    }

    private static RetrainingJob job(String requestId, CandidateSteps steps) {
        ModelChangeRecord latest = steps.latest();
        RetrainingRequestRecord request = RetrainingRequestRecord.findById(requestId);
        RetrainingJob.Progress progress = steps.latest(CandidateSteps.TRAINING).filter(step -> step.epoch != null)
                .map(step -> new RetrainingJob.Progress(step.epoch, step.epochs, step.loss, step.validationMacroF1)).orElse(null);
        return new RetrainingJob(requestId, latest.modelName, latest.parentVersion, request == null ? null : request.trigger,
                request == null ? null : request.reason, latest.step, latest.detail, progress,
                steps.latestWith(step -> step.candidateVersion != null).map(step -> step.candidateVersion).orElse(null),
                steps.gate().map(gate -> CandidateSteps.GATE_PASSED.equals(gate.step)).orElse(null),
                steps.steps().get(0).occurredAt, latest.occurredAt);
    }

    /** The model's ledger, oldest first. */
    @Transactional
    List<LedgerEntry> ledger(String model) {
        List<ModelChangeRecord> changes = ModelChangeRecord.ofModel(model);
        Map<String, String> requestOfVersion = new HashMap<>();
        changes.stream().filter(c -> c.candidateVersion != null).forEach(c -> requestOfVersion.putIfAbsent(c.candidateVersion, c.requestId));
        List<LedgerEntry> entries = new ArrayList<>();
        changes.forEach(change -> entries.add(LedgerEntry.of(change)));
        ChangeApprovalRecord.ofModel(model).forEach(a -> entries.add(LedgerEntry.of(a, requestOfVersion.get(a.modelVersion))));
        ChangeDecisionRecord.ofModel(model).forEach(decision -> entries.add(LedgerEntry.of(decision)));
        publications(model, null).forEach(p -> entries.add(publication(p, requestOfVersion.get(p.modelVersion))));
        // A stable sort: entries of one instant keep the order above (the worker's steps, approvals, decisions, publications).
        entries.sort(Comparator.comparing(LedgerEntry::at));
        return entries;
    }

    /** The change record of one version; 404 when audit knows nothing of it. */
    @Transactional
    ChangeRecordView record(String model, String version, HospitalScope scope) {
        CandidateSteps steps = CandidateSteps.of(model, version);
        List<ModelPublicationRecord> publications = publications(model, version);
        List<ChangeDecisionRecord> decisions = ChangeDecisionRecord.ofModel(model).stream().filter(d -> d.modelVersion.equals(version)).toList();
        List<ChangeApprovalRecord> approvals = ChangeApprovalRecord.of(model, version);
        if (steps.isEmpty() && publications.isEmpty() && decisions.isEmpty()) {
            throw new ProblemException(404, "unknown-model-version", "Unknown model version",
                    "no retraining, decision or publication of " + model + " " + version + " is on record");
        }
        String requestId = steps.isEmpty() ? null : steps.latest().requestId;
        List<LedgerEntry> release = new ArrayList<>();
        List<LedgerEntry> rollbacks = new ArrayList<>();
        decisions.forEach(d -> (ChangeDecisionRecord.RELEASE.equals(d.kind) ? release : rollbacks).add(LedgerEntry.of(d)));
        steps.steps().stream().filter(s -> version.equals(s.candidateVersion)).forEach(s -> {
            if (CandidateSteps.RELEASED.equals(s.step)) {
                release.add(LedgerEntry.of(s));
            } else if (CandidateSteps.ROLLED_BACK.equals(s.step)) {
                rollbacks.add(LedgerEntry.of(s));
            }
        });
        release.sort(Comparator.comparing(LedgerEntry::at));
        rollbacks.sort(Comparator.comparing(LedgerEntry::at));
        String sha256 = steps.latestWith(s -> version.equals(s.candidateVersion)).map(s -> s.candidateSha256)
                .orElse(publications.isEmpty() ? null : publications.get(0).modelSha256);
        return new ChangeRecordView(model, version, sha256, steps.isEmpty() ? null : steps.latest().parentVersion, request(requestId),
                steps.latestWith(s -> s.dataset != null).map(s -> read(s.dataset, ChangeRecordView.Dataset.class)).orElse(null),
                steps.latestWith(s -> s.recipe != null).map(s -> read(s.recipe, new TypeReference<Map<String, String>>() {
                })).orElse(null),
                steps.latestWith(s -> s.gate != null).map(s -> read(s.gate, ChangeRecordView.Gate.class)).orElse(null),
                shadow(model, version, steps, scope),
                approvals.stream().map(a -> new ChangeRecordView.Approval(a.role, a.subject, a.username, a.note, a.approvedAt)).toList(),
                release, rollbacks,
                publications.stream().map(p -> new ChangeRecordView.Publication(p.eventId, p.modelSha256, p.approvedBy, p.signerKeyId,
                        p.outcome, p.reason, p.publishedAt)).toList(),
                steps.steps().stream().map(LedgerEntry::of).toList());
    }

    /** The gate's verdict of a candidate as read back from the ledger (null when the step carried none). */
    ChangeRecordView.Gate gateOf(ModelChangeRecord step) {
        return step.gate == null ? null : read(step.gate, ChangeRecordView.Gate.class);
    }

    private ChangeRecordView.Shadow shadow(String model, String version, CandidateSteps steps, HospitalScope scope) {
        var started = steps.first(CandidateSteps.SHADOW_STARTED).map(s -> s.occurredAt).orElse(null);
        var completed = steps.latest(CandidateSteps.SHADOW_COMPLETED).map(s -> s.occurredAt).orElse(null);
        ShadowComparisons.Agreement agreement = shadow.agreement(model, version, scope);
        if (started == null && agreement.compared() == 0) {
            return null;
        }
        return new ChangeRecordView.Shadow(started, completed, agreement.compared(), agreement.share());
    }

    private static ChangeRecordView.Request request(String requestId) {
        if (requestId == null) {
            return null;
        }
        RetrainingRequestRecord r = RetrainingRequestRecord.findById(requestId);
        return r == null ? new ChangeRecordView.Request(requestId, null, null, null, null, null, null)
                : new ChangeRecordView.Request(requestId, r.trigger, r.reason, r.requestedAt, r.manifestKey, r.manifestSha256, r.manifestSize);
    }

    private static LedgerEntry publication(ModelPublicationRecord p, String requestId) {
        return new LedgerEntry(p.publishedAt, "PUBLICATION_" + p.outcome, p.modelVersion, requestId, p.approvedBy,
                TAKEN.equals(p.outcome) ? "taken from " + p.location + (p.signerKeyId == null ? "" : ", signed by key " + p.signerKeyId)
                        : "refused: " + p.reason);
    }

    /** The publications of the model (of one version, unless null) audit saw, oldest first. */
    static List<ModelPublicationRecord> publications(String model, String version) {
        return version == null ? ModelPublicationRecord.list("modelName = ?1 order by publishedAt, recordedAt, eventId", model)
                : ModelPublicationRecord.list("modelName = ?1 and modelVersion = ?2 order by publishedAt, recordedAt, eventId", model, version);
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the change ledger", e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable recipe in the change ledger", e);
        }
    }
}
