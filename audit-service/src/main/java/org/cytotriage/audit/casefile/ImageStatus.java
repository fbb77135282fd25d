package org.cytotriage.audit.casefile;

import java.time.Instant;

/**
 * What became of an upload, as the system of record knows it: accepted (on record, waiting for its
 * prediction), predicted (waiting for its explanation), explained (done), not assessable (done: the
 * model must not answer for it, {@code reason} says why, and no heatmap is drawn), or not processed (a
 * service gave up on it: {@code reason} says why, until a re-drive answers it).
 */
public record ImageStatus(String imageId, String caseId, String hospitalId, State state, Instant at, String service, String reason,
        String deadLetterId) {

    public enum State {
        ACCEPTED, PREDICTED, EXPLAINED, NOT_ASSESSABLE, NOT_PROCESSED
    }
}
