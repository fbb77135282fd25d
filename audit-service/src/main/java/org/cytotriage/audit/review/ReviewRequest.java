package org.cytotriage.audit.review;

/**
 * A step of review: the status the disagreement is left in and the reviewer's comment. Who reviewed
 * is the signed-in auditor (the token), never a field of the request.
 */
public record ReviewRequest(ReviewStatus status, String comment) {
}
