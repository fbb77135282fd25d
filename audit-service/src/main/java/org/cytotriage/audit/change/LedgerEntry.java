package org.cytotriage.audit.change;

import java.time.Instant;

/**
 * One entry of a model's change ledger: a step of the retraining worker (its step's name as
 * {@code kind}), an APPROVAL, a RELEASE or ROLLBACK decision, or a publication audit saw
 * (PUBLICATION_TAKEN, PUBLICATION_REFUSED). {@code who}: "retraining-worker", the login name of the
 * person who approved or decided (and as which role), or who approved the publication.
 */
public record LedgerEntry(Instant at, String kind, String version, String requestId, String who, String detail) {

    static final String WORKER = "retraining-worker";
    static final String APPROVAL = "APPROVAL";

    static LedgerEntry of(ModelChangeRecord change) {
        return new LedgerEntry(change.occurredAt, change.step, change.candidateVersion != null ? change.candidateVersion : change.parentVersion,
                change.requestId, WORKER, change.detail);
    }

    static LedgerEntry of(ChangeApprovalRecord approval, String requestId) {
        return new LedgerEntry(approval.approvedAt, APPROVAL, approval.modelVersion, requestId, approval.username + " (" + approval.role + ")",
                approval.note);
    }

    static LedgerEntry of(ChangeDecisionRecord decision) {
        return new LedgerEntry(decision.decidedAt, decision.kind, decision.modelVersion, decision.requestId, decision.decidedBy,
                decision.note);
    }
}
