package org.cytotriage.audit.diagnosis;

import org.cytotriage.events.v1.BethesdaCategory;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.TreatmentGroup;

/** Between DiagnosisRecorded events and diagnosis records: the only place this package touches Avro types. */
final class DiagnosisMapper {

    private DiagnosisMapper() {
    }

    static DiagnosisRecord toRecord(DiagnosisRecorded event) {
        DiagnosisRecord record = new DiagnosisRecord();
        record.eventId = event.getEventId();
        record.caseId = event.getCaseId();
        record.hospitalId = event.getHospitalId();
        record.version = event.getVersion();
        // The group follows from the category; an event's own group field is not trusted over it.
        org.cytotriage.core.bethesda.BethesdaCategory category = org.cytotriage.core.bethesda.BethesdaCategory
                .valueOf(event.getBethesdaCategory().name());
        record.bethesda = category.name();
        record.group = category.group().name();
        record.recordedBy = event.getRecordedBy();
        record.recordedBySubject = event.getRecordedBySubject();
        record.comment = event.getComment();
        record.diagnosedAt = event.getRecordedAt();
        return record;
    }

    static DiagnosisRecorded toEvent(DiagnosisRecord record) {
        return DiagnosisRecorded.newBuilder()
                .setEventId(record.eventId)
                .setCaseId(record.caseId)
                .setHospitalId(record.hospitalId)
                .setRecordedAt(record.diagnosedAt)
                .setBethesdaCategory(BethesdaCategory.valueOf(record.bethesda))
                .setGroup(TreatmentGroup.valueOf(record.group))
                .setVersion(record.version)
                .setRecordedBy(record.recordedBy)
                .setRecordedBySubject(record.recordedBySubject)
                .setComment(record.comment)
                .build();
    }
}
