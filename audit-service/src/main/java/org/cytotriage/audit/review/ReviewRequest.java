package org.cytotriage.audit.review;

/** A step of review: the status the disagreement is left in, by whom, and their comment. */
public record ReviewRequest(ReviewStatus status, String reviewer, String comment) {
}
