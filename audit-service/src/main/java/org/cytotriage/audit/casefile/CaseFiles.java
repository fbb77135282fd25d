package org.cytotriage.audit.casefile;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.support.identity.Caller;

/** A case as the caller may see it, for each way it is asked for (the workstation's JSON, FHIR). */
@ApplicationScoped
public class CaseFiles {

    private final Caller caller;

    CaseFiles(Caller caller) {
        this.caller = caller;
    }

    /**
     * The case of this id at the caller's hospitals ({@code hospital}: one of them, needed only when
     * two have this case id); a 404 or 409 problem otherwise.
     */
    public CaseView view(String caseId, String hospital) {
        return view(CaseRecord.visible(caseId, caller.scope(hospital)));
    }

    /** The case as it is on record, for the service's own messages (the laboratory system's results): no caller. */
    public static CaseView onRecord(String caseId, String hospitalId) {
        return view(CaseRecord.find("hospitalId = ?1 and caseId = ?2", hospitalId, caseId).<CaseRecord>firstResultOptional()
                .orElseThrow(() -> new IllegalStateException("case " + caseId + " of " + hospitalId + " is not on record")));
    }

    private static CaseView view(CaseRecord found) {
        String of = "hospitalId = ?1 and caseId = ?2";
        String caseId = found.caseId;
        return CaseFileMapper.toView(found, ImageRecord.list(of, found.hospitalId, caseId), PredictionRecord.list(of, found.hospitalId, caseId),
                ExplanationRecord.list(of, found.hospitalId, caseId),
                DeadLetterRecord.list(of + " and redrivenAt is null", found.hospitalId, caseId));
    }
}
