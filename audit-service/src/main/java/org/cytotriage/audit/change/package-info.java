/**
 * Model change control (issue 26), a bounded context of its own inside audit-service: how a
 * retrained model gets from a retraining request to release, or back.
 * <p>
 * The retraining worker reports each step it takes ({@code ModelChange} on {@code fnab.model-changes}:
 * queued, data prepared, each epoch, evaluated, the gate's verdict with every criterion, shadow
 * started and completed, released, rolled back); this context keeps them as an append-only ledger
 * ({@code model_changes}), and a candidate's predictions in shadow ({@code fnab.predictions.shadow})
 * in a table of their own ({@code shadow_predictions}) that no case view, worklist, metric, sample or
 * drift figure reads: a shadow prediction is never a result. An ML engineer and a cytopathologist
 * lead approve a candidate whose gate passed and whose shadow run is complete, each as one role and
 * by the identity of their token; the second approval decides the release, and a rollback goes back
 * to the version live before the current one. Decisions ({@code ChangeDecision} on
 * {@code fnab.model-decisions}, which only audit-service writes) leave through the outbox in the
 * transaction that records them; the worker carries them out.
 * <p>
 * It reads, and never writes, its neighbours' records: retraining requests ({@code audit.retraining}),
 * the model publications audit saw ({@code audit.model}), predictions and final diagnoses (for the
 * shadow comparison, through {@code audit.metrics}' {@code ClinicalMetrics}). {@link
 * org.cytotriage.audit.change.ModelChangeMapper} is the only class here that builds or reads an
 * event's fields.
 */
package org.cytotriage.audit.change;
