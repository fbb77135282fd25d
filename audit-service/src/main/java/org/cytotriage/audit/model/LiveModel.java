package org.cytotriage.audit.model;

import java.time.Instant;

/** The version of a model that made its most recent prediction, live since its first one. */
public record LiveModel(String name, String version, String sha256, Instant liveSince) {
}
