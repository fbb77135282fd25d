package org.cytotriage.audit.sample;

/**
 * RANDOM: the month's simple random sample, the only source of the audit's unbiased figures.
 * ENRICHED: an extra review list drawn from the risky cases left out of it, never mixed into them.
 */
public enum SampleKind {
    RANDOM, ENRICHED
}
