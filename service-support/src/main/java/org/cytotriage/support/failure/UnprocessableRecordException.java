package org.cytotriage.support.failure;

/**
 * A record no retry can fix: unreadable, of the wrong schema, past its schema's limits, or naming
 * something that does not exist. Thrown by a consumer, it makes the record a dead letter whose
 * reason is this message ({@link DeadLetterOnFailure}), and the stream moves on.
 */
public class UnprocessableRecordException extends RuntimeException {

    public UnprocessableRecordException(String reason) {
        super(reason);
    }

    public UnprocessableRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
