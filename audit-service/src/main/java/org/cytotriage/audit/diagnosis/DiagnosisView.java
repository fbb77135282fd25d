package org.cytotriage.audit.diagnosis;

import java.time.Instant;

/** One version of a case's final diagnosis: the category as given and the treatment group it maps to. */
public record DiagnosisView(String caseId, String hospitalId, int version, String bethesdaCategory, String group,
        String recordedBy, String comment, Instant recordedAt) {

    static DiagnosisView of(DiagnosisRecord record) {
        return new DiagnosisView(record.caseId, record.hospitalId, record.version, record.bethesda, record.group,
                record.recordedBy, record.comment, record.diagnosedAt);
    }
}
