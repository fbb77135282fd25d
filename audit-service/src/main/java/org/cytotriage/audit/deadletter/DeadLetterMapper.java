package org.cytotriage.audit.deadletter;

import org.cytotriage.events.v1.DeadLetter;

import io.quarkus.hibernate.orm.panache.Panache;

/** Between DeadLetter events and their records: the only place this package touches Avro types. */
final class DeadLetterMapper {

    private DeadLetterMapper() {
    }

    /** Inserts the letter unless it, or another letter about the same source record from the same service, is on record. */
    static void insert(DeadLetter letter) {
        Panache.getEntityManager().createNativeQuery("""
                insert into dead_letters (event_id, occurred_at, service, source_topic, source_partition, source_offset, source_key,
                                          source_event_id, image_id, case_id, hospital_id, reason, error_class)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) on conflict do nothing""")
                .setParameter(1, letter.getEventId()).setParameter(2, letter.getOccurredAt()).setParameter(3, letter.getService())
                .setParameter(4, letter.getSourceTopic()).setParameter(5, letter.getSourcePartition())
                .setParameter(6, letter.getSourceOffset()).setParameter(7, letter.getSourceKey())
                .setParameter(8, letter.getSourceEventId()).setParameter(9, letter.getImageId()).setParameter(10, letter.getCaseId())
                .setParameter(11, letter.getHospitalId()).setParameter(12, letter.getReason()).setParameter(13, letter.getErrorClass())
                .executeUpdate();
    }
}
