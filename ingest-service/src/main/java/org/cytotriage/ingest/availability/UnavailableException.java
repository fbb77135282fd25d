package org.cytotriage.ingest.availability;

import org.cytotriage.support.problem.ProblemException;

/**
 * Ingest cannot accept the upload now, through no fault of the sender: a dependency is away, the
 * image store is full, or too many uploads are in flight. Answered with a Retry-After
 * ({@link UnavailableExceptionMapper}): the same request may succeed later.
 */
public class UnavailableException extends ProblemException {

    public static final int INSUFFICIENT_STORAGE = 507;

    private UnavailableException(int status, String type, String title, String detail) {
        super(status, type, title, detail);
    }

    /** 503: Kafka, the schema registry or the image store is away, or ingest is at its limit of uploads in flight. */
    public static UnavailableException unavailable(String type, String detail) {
        return new UnavailableException(503, type, "Service unavailable", detail);
    }

    /** 507: the image store has no room for the upload. */
    public static UnavailableException storeFull(String detail) {
        return new UnavailableException(INSUFFICIENT_STORAGE, "image-store-full", "Image store full", detail);
    }
}
