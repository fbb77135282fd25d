package org.cytotriage.drills;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * One upload the load generator sent to ingest, and what came back: an HTTP status, or none (the
 * connection was refused or reset, or no answer came within the client's timeout).
 *
 * @param imageId the id from ingest's receipt when it gave one; otherwise the id ingest gives these
 *        bytes for this case ({@link #imageIdOf}), so that an upload refused at the door but published
 *        all the same can still be found on the topics and in audit's record
 * @param status the HTTP status, or {@link #NO_ANSWER}
 */
record Upload(String caseId, String imageId, Instant sentAt, Instant answeredAt, int status, String error) {

    static final int NO_ANSWER = -1;

    enum Outcome {
        /** 2xx: ingest gave a receipt (202: stored and on Kafka). */
        ACCEPTED,
        /** 5xx: ingest answered that it could not take the image now (a dependency is down). */
        REFUSED,
        /** No HTTP answer: ingest was down, or the connection broke or timed out. */
        UNANSWERED,
        /** 4xx: ingest judged the upload itself bad; the drill's images never should be. */
        REJECTED
    }

    Outcome outcome() {
        if (status == NO_ANSWER) {
            return Outcome.UNANSWERED;
        }
        if (status >= 200 && status < 300) {
            return Outcome.ACCEPTED;
        }
        return status >= 500 ? Outcome.REFUSED : Outcome.REJECTED;
    }

    boolean accepted() {
        return outcome() == Outcome.ACCEPTED;
    }

    /** ingest-service's rule (IngestService.imageIdOf): the same bytes for the same case of a hospital, the same id. */
    static String imageIdOf(String hospitalId, String caseId, String sha256) {
        return UUID.nameUUIDFromBytes((hospitalId + "/" + caseId + "/" + sha256).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
