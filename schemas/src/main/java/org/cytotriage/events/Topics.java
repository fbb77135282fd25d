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

    private Topics() {
    }
}
