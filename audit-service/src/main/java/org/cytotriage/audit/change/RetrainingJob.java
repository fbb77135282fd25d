package org.cytotriage.audit.change;

import java.time.Instant;

/**
 * A retraining job as its progress view shows it: the request it answers (trigger and reason where
 * audit asked for it), the worker's latest step, the latest epoch, the candidate once exported and
 * the gate's verdict once given.
 *
 * @param progress the latest epoch reported (null before training)
 * @param gatePassed null until the gate has spoken
 */
public record RetrainingJob(String requestId, String model, String parentVersion, String trigger, String reason, String step, String detail,
        Progress progress, String candidateVersion, Boolean gatePassed, Instant startedAt, Instant updatedAt) {

    /** Epoch {@code epoch} of {@code epochs}: its mean training loss and the validation macro-F1 after it. */
    public record Progress(int epoch, int epochs, double loss, double validationMacroF1) {
    }
}
