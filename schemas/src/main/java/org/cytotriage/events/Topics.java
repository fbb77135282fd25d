package org.cytotriage.events;

/**
 * One topic per event kind. Channel names equal topic names, so these constants serve both the
 * {@code @Incoming}/{@code @Channel} annotations and the tests that read or write the topics.
 */
public final class Topics {

    public static final String IMAGES = "fnab.images";
    public static final String PREDICTIONS = "fnab.predictions";
    public static final String EXPLANATIONS = "fnab.explanations";
    public static final String DIAGNOSES = "fnab.diagnoses";
    public static final String RETRAINING = "fnab.retraining";
    public static final String MODELS = "fnab.models";
    public static final String DEAD_LETTER = "fnab.deadletter";
    /** The retraining worker's steps under the change-control plan (ModelChange); audit-service keeps the ledger. */
    public static final String MODEL_CHANGES = "fnab.model-changes";
    /** Approved releases and rollbacks (ChangeDecision), written by audit-service only, carried out by the retraining worker. */
    public static final String MODEL_DECISIONS = "fnab.model-decisions";
    /** A candidate's predictions in shadow (PredictionMade): never a result, never in the clinical record or its metrics. */
    public static final String SHADOW_PREDICTIONS = "fnab.predictions.shadow";

    private Topics() {
    }
}
