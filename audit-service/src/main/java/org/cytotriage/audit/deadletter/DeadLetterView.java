package org.cytotriage.audit.deadletter;

import java.time.Instant;

/**
 * A dead letter as the API and the dashboard show it; {@code redrive} is null until one was asked,
 * {@code redrivable} whether one can still be asked (it names an image, and none was asked yet).
 */
public record DeadLetterView(String eventId, Instant occurredAt, String service, String sourceTopic, Integer sourcePartition,
        Long sourceOffset, String sourceKey, String sourceEventId, String imageId, String caseId, String hospitalId, String reason,
        String errorClass, boolean redrivable, Redrive redrive) {

    /** The re-drive of a dead-lettered image: when, by whom, and the ImageReceived event it published. */
    public record Redrive(Instant at, String by, String eventId) {
    }

    public static DeadLetterView of(DeadLetterRecord r) {
        return new DeadLetterView(r.eventId, r.occurredAt, r.service, r.sourceTopic, r.sourcePartition, r.sourceOffset, r.sourceKey,
                r.sourceEventId, r.imageId, r.caseId, r.hospitalId, r.reason, r.errorClass, r.imageId != null && r.redrivenAt == null,
                r.redrivenAt == null ? null : new Redrive(r.redrivenAt, r.redrivenBy, r.redriveEventId));
    }
}
