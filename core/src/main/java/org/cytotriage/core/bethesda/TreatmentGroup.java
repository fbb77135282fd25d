package org.cytotriage.core.bethesda;

/**
 * The three treatment pathways the model predicts. The declaration order is the model's class
 * order (index 0, 1, 2), which every model card repeats and checks.
 */
public enum TreatmentGroup {
    /** Bethesda II: observation, non-surgical. */
    BENIGN,
    /** Bethesda I, III, IV, V: further investigation. */
    INDETERMINATE,
    /** Bethesda VI: surgery. */
    MALIGNANT
}
