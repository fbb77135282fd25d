package org.cytotriage.audit.change;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The change record of one version of a model: why it was trained (the request), on what (the
 * data) and how (the recipe), what the gate found (every criterion), how it did in shadow, who
 * approved it, what was decided and what became of its publications. NOT FOR CLINICAL USE with the
 * demo models: every figure is on synthetic images.
 *
 * @param steps every step the worker reported for the retraining that made it, oldest first
 * @param release the RELEASE decision and the worker's RELEASED step, if any
 * @param rollbacks the rollbacks decided to this version, and the worker's ROLLED_BACK steps of it
 */
public record ChangeRecordView(String model, String version, String sha256, String parentVersion, Request request, Dataset data,
        Map<String, String> recipe, Gate gate, Shadow shadow, List<Approval> approvals, List<LedgerEntry> release,
        List<LedgerEntry> rollbacks, List<Publication> publications, List<LedgerEntry> steps) {

    /** The retraining request the job answered (audit's own record of it; null fields where audit has none). */
    public record Request(String requestId, String trigger, String reason, Instant requestedAt, String manifestKey, String manifestSha256,
            Integer manifestSize) {
    }

    /** What the job trained and evaluated on: the manifest (by sha256) split by case; {@code heldOutImages} never trained on. */
    public record Dataset(String manifestSha256, int images, int trainImages, int validationImages, int heldOutImages, int unusable,
            long splitSeed) {
    }

    /** The candidate against the live model by the change-control plan's criteria. */
    public record Gate(String plan, String planSha256, boolean passed, List<Criterion> criteria) {
    }

    /** One criterion: the estimate the bound applies to, its 95 % interval ({@code lower}, {@code upper}), the bound and the rule in words. */
    public record Criterion(String name, String dataset, double candidate, Double live, double estimate, double lower, double upper,
            double bound, boolean passed, String rule) {
    }

    /** The shadow run: when it started and completed, and how often the candidate agreed with the live model (the caller's hospitals). */
    public record Shadow(Instant startedAt, Instant completedAt, int compared, Double agreement) {
    }

    /** An approval, by the identity of the token that gave it. */
    public record Approval(String role, String subject, String username, String note, Instant approvedAt) {
    }

    /** A publication of this version audit-service saw: TAKEN, or REFUSED with the reason. */
    public record Publication(String eventId, String sha256, String approvedBy, String signer, String outcome, String reason,
            Instant publishedAt) {
    }
}
