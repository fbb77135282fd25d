package org.cytotriage.audit.change;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.model.ModelPublicationRecord;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.events.Topics;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;

/**
 * What the people accountable for a model decide. A candidate is approved by an ML engineer and a
 * cytopathologist lead, each once, by the identity of their token, and only once its gate passed and
 * its shadow run completed; the approval that completes the pair decides the release. A rollback
 * goes back to the version live before the current one. Each decision is a row and a ChangeDecision
 * on {@code fnab.model-decisions} (key: the model's name), enqueued in the outbox in the same
 * transaction: both are on record or neither.
 */
@ApplicationScoped
class ChangeDecisions {

    /** The roles whose approvals release a candidate: both are needed, from two people. */
    static final Set<String> APPROVING_ROLES = Set.of(Roles.ML_ENGINEER, Roles.CYTOPATHOLOGIST_LEAD);
    static final int MAX_NOTE = 2000;
    private static final int CONFLICT = 409;

    /** The approvals so far and, once both roles approved, the release decided. */
    record Approved(String model, String version, List<ChangeRecordView.Approval> approvals, boolean releaseDecided,
            DecisionView release) {
    }

    /** A decision as recorded; {@code eventId} is its ChangeDecision's. */
    record DecisionView(String eventId, String model, String kind, String version, String requestId, Instant decidedAt, String decidedBy,
            String note) {

        static DecisionView of(ChangeDecisionRecord d) {
            return new DecisionView(d.eventId, d.modelName, d.kind, d.modelVersion, d.requestId, d.decidedAt, d.decidedBy, d.note);
        }
    }

    private final EntityManager entityManager;
    private final Outbox outbox;
    private final ChangeRecords records;
    private final Clock clock;

    ChangeDecisions(EntityManager entityManager, Outbox outbox, ChangeRecords records, Clock clock) {
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.records = records;
        this.clock = clock;
    }

    /** Records {@code who}'s approval of the candidate as {@code role}; decides the release when it completes the pair. */
    @Transactional
    Approved approve(String model, String version, String role, String note, Actor who) {
        lock(model);
        CandidateSteps steps = CandidateSteps.of(model, version);
        refuseUnlessApprovable(model, version, steps);
        List<ChangeApprovalRecord> before = ChangeApprovalRecord.of(model, version);
        for (ChangeApprovalRecord earlier : before) {
            if (earlier.role.equals(role)) {
                throw new ProblemException(CONFLICT, "already-approved", "Already approved", model + " " + version + " was approved as "
                        + role + " by " + earlier.username + " at " + earlier.approvedAt + "; the other approval must be a "
                        + other(role));
            }
            if (earlier.subject.equals(who.subject())) {
                throw new ProblemException(CONFLICT, "approved-by-you", "You approved it already", "you approved " + model + " " + version
                        + " as " + earlier.role + "; the " + role + " approval must come from someone else");
            }
        }
        Instant now = Instant.now(clock);
        entityManager.createNativeQuery("""
                insert into change_approvals (model_name, model_version, role, subject, username, note, approved_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7)""")
                .setParameter(1, model).setParameter(2, version).setParameter(3, role).setParameter(4, who.subject())
                .setParameter(5, who.username()).setParameter(6, note).setParameter(7, now)
                .executeUpdate();
        List<ChangeRecordView.Approval> approvals = ChangeApprovalRecord.of(model, version).stream()
                .map(a -> new ChangeRecordView.Approval(a.role, a.subject, a.username, a.note, a.approvedAt)).toList();
        ChangeDecisionRecord release = null;
        if (approvals.stream().map(ChangeRecordView.Approval::role).collect(Collectors.toSet()).containsAll(APPROVING_ROLES)) {
            release = decide(ChangeDecisionRecord.RELEASE, model, version, steps.latest().requestId, who, note, now, approvals);
        }
        return new Approved(model, version, approvals, release != null, release == null ? null : DecisionView.of(release));
    }

    /** Decides to go back to the version live before the current one: {@code who} asked, as {@code role}. */
    @Transactional
    DecisionView rollback(String model, String role, String note, Actor who) {
        lock(model);
        List<ModelPublicationRecord> taken = ChangeRecords.publications(model, null).stream()
                .filter(p -> ChangeRecords.TAKEN.equals(p.outcome)).toList();
        if (taken.isEmpty()) {
            throw new ProblemException(CONFLICT, "nothing-live", "Nothing to roll back", "no publication of " + model + " was taken");
        }
        ModelPublicationRecord live = taken.get(taken.size() - 1);
        ModelPublicationRecord previous = null;
        for (int i = taken.size() - 2; i >= 0 && previous == null; i--) {
            if (!taken.get(i).modelVersion.equals(live.modelVersion)) {
                previous = taken.get(i);
            }
        }
        // Before the first release taken, the version the services were configured with was live: the
        // one that made the predictions before it.
        String target = previous != null ? previous.modelVersion : configuredBefore(model, live);
        if (target == null) {
            throw new ProblemException(CONFLICT, "no-earlier-version", "No earlier version", model + " " + live.modelVersion
                    + " is the only version of it ever live: there is none to go back to");
        }
        // Decided after the live version was taken (both by the database's clock), and not carried out: that version is still live.
        for (ChangeDecisionRecord earlier : ChangeDecisionRecord.ofModel(model)) {
            if (ChangeDecisionRecord.ROLLBACK.equals(earlier.kind) && earlier.modelVersion.equals(target)
                    && earlier.recordedAt.isAfter(live.recordedAt)) {
                throw new ProblemException(CONFLICT, "rollback-pending", "Rollback already decided", "a rollback of " + model + " to "
                        + target + " was decided by " + earlier.decidedBy + " at " + earlier.decidedAt + " and is not carried out yet");
            }
        }
        Instant now = Instant.now(clock);
        // The event's approvals name who asked for it.
        ChangeRecordView.Approval asked = new ChangeRecordView.Approval(role, who.subject(), who.username(), note, now);
        return DecisionView.of(decide(ChangeDecisionRecord.ROLLBACK, model, target, null, who, note, now, List.of(asked)));
    }

    private String configuredBefore(String model, ModelPublicationRecord live) {
        @SuppressWarnings("unchecked")
        List<String> versions = entityManager.createNativeQuery("""
                select model_version from predictions where model_name = ?1 and model_version <> ?2 and predicted_at < ?3
                order by predicted_at desc limit 1""", String.class)
                .setParameter(1, model).setParameter(2, live.modelVersion).setParameter(3, live.recordedAt).getResultList();
        return versions.isEmpty() ? null : versions.get(0);
    }

    private ChangeDecisionRecord decide(String kind, String model, String version, String requestId, Actor who, String note, Instant now,
            List<ChangeRecordView.Approval> approvals) {
        ChangeDecisionRecord decision = new ChangeDecisionRecord();
        decision.eventId = UUID.randomUUID().toString();
        decision.modelName = model;
        decision.kind = kind;
        decision.modelVersion = version;
        decision.requestId = requestId;
        decision.decidedAt = now;
        decision.decidedBy = who.username();
        decision.decidedBySubject = who.subject();
        decision.note = note;
        entityManager.createNativeQuery("""
                insert into change_decisions (event_id, model_name, kind, model_version, request_id, decided_at, decided_by,
                                              decided_by_subject, note)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)""")
                .setParameter(1, decision.eventId).setParameter(2, model).setParameter(3, kind).setParameter(4, version)
                .setParameter(5, requestId).setParameter(6, now).setParameter(7, who.username()).setParameter(8, who.subject())
                .setParameter(9, note)
                .executeUpdate();
        outbox.enqueue(new Outbox.Aggregate("change-decision", decision.eventId), Topics.MODEL_DECISIONS, model,
                ModelChangeMapper.toEvent(decision, approvals));
        return decision;
    }

    /** 409 with the reason unless the candidate's latest step is SHADOW_COMPLETED and its gate passed. */
    private void refuseUnlessApprovable(String model, String version, CandidateSteps steps) {
        if (steps.isEmpty()) {
            throw new ProblemException(CONFLICT, "not-a-candidate", "Not a candidate", "not a candidate: no retraining of " + model
                    + " produced version " + version);
        }
        ModelChangeRecord gate = steps.gate().orElse(null);
        if (gate != null && CandidateSteps.GATE_FAILED.equals(gate.step)) {
            ChangeRecordView.Gate report = records.gateOf(gate);
            String failed = report == null ? gate.detail : report.criteria().stream().filter(c -> !c.passed())
                    .map(ChangeRecordView.Criterion::rule).collect(Collectors.joining("; "));
            throw new ProblemException(CONFLICT, "gate-refused", "The gate refused it", "the gate refused it: "
                    + (failed.isBlank() ? gate.detail : failed));
        }
        String latest = steps.latest().step;
        if (CandidateSteps.SHADOW_STARTED.equals(latest)) {
            throw new ProblemException(CONFLICT, "still-in-shadow", "Still in shadow", "still in shadow: " + model + " " + version
                    + " has run beside the live model since " + steps.latest().occurredAt + " and has not completed");
        }
        if (!CandidateSteps.SHADOW_COMPLETED.equals(latest) || gate == null) {
            throw new ProblemException(CONFLICT, "not-a-candidate", "Not a candidate", "not a candidate for release: the latest step of "
                    + model + " " + version + " is " + latest + " (" + steps.latest().detail + "); approvals need SHADOW_COMPLETED after GATE_PASSED");
        }
    }

    /** One decision on a model at a time, across replicas: the second of two approvals at once sees the first. */
    private void lock(String model) {
        entityManager.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtext(?1))", Integer.class)
                .setParameter(1, "change-control/" + model).getSingleResult();
    }

    private static String other(String role) {
        return APPROVING_ROLES.stream().filter(r -> !Objects.equals(r, role)).findFirst().orElse(role);
    }
}
