package org.cytotriage.audit.review;

/** Where a disagreement is in its review; it only moves forward. */
public enum ReviewStatus {
    OPEN, DISCUSSED, RESOLVED
}
