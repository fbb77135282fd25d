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
        CaseRecord found = CaseRecord.visible(caseId, caller.scope(hospital));
        String of = "hospitalId = ?1 and caseId = ?2";
        return CaseFileMapper.toView(found, ImageRecord.list(of, found.hospitalId, caseId), PredictionRecord.list(of, found.hospitalId, caseId),
                ExplanationRecord.list(of, found.hospitalId, caseId),
                DeadLetterRecord.list(of + " and redrivenAt is null", found.hospitalId, caseId));
    }
}
