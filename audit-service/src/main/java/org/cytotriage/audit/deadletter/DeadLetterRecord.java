package org.cytotriage.audit.deadletter;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A record a service could not process, as its dead letter said, and its re-drive once one was
 * asked: the letter is never changed, its re-drive is a row of the {@code redrives} table, read here.
 */
@Entity
@Immutable
@Table(name = "dead_letters")
public class DeadLetterRecord extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    public String service;
    @Column(name = "source_topic")
    public String sourceTopic;
    @Column(name = "source_partition")
    public Integer sourcePartition;
    @Column(name = "source_offset")
    public Long sourceOffset;
    @Column(name = "source_key")
    public String sourceKey;
    @Column(name = "source_event_id")
    public String sourceEventId;
    @Column(name = "image_id")
    public String imageId;
    @Column(name = "case_id")
    public String caseId;
    @Column(name = "hospital_id")
    public String hospitalId;
    public String reason;
    @Column(name = "error_class")
    public String errorClass;
    @Column(name = "recorded_at")
    public Instant recordedAt;
    @Formula("(select r.redriven_at from redrives r where r.dead_letter_event_id = event_id)")
    public Instant redrivenAt;
    @Formula("(select r.redriven_by from redrives r where r.dead_letter_event_id = event_id)")
    public String redrivenBy;
    @Formula("(select r.redrive_event_id from redrives r where r.dead_letter_event_id = event_id)")
    public String redriveEventId;

    /**
     * Whether the image's explanation, recorded at {@code explanationRecordedAt} (null: none yet),
     * came after this letter and so answers it (a re-drive went through); the worklist view asks
     * the same of the database.
     */
    public boolean isAnsweredBy(Instant explanationRecordedAt) {
        return explanationRecordedAt != null && explanationRecordedAt.isAfter(recordedAt);
    }

    /** The newest dead letter of this image that no re-drive has answered, or null. */
    public static DeadLetterRecord openFor(String imageId) {
        return find("imageId = ?1 and redrivenAt is null order by occurredAt desc", imageId).firstResult();
    }
}
