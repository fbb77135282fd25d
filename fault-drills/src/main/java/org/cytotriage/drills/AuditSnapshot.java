package org.cytotriage.drills;

import java.time.Instant;
import java.util.List;

/**
 * What audit-service has on record for the drill's cases, read from its database: one row per
 * image, prediction and explanation, with the time audit recorded it.
 */
record AuditSnapshot(List<Row> images, List<Row> predictions, List<Row> explanations) {

    /** {@code model} is the model's name and version ({@code thyroideffi-basic 1.3.0}); null for an image. */
    record Row(String imageId, String model, Instant recordedAt) {
    }

    static AuditSnapshot empty() {
        return new AuditSnapshot(List.of(), List.of(), List.of());
    }
}
