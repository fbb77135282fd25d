package org.cytotriage.audit.casefile;

import java.time.LocalDate;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/v1/cases")
@Produces(MediaType.APPLICATION_JSON)
public class CaseResource {

    private final Worklist worklist;
    private final AuditPeriod period;

    CaseResource(Worklist worklist, AuditPeriod period) {
        this.worklist = worklist;
        this.period = period;
    }

    @GET
    @Operation(summary = "The worklist: recent cases, newest first, with their prediction and whether a final diagnosis is recorded")
    public Page<Worklist.Entry> list(@QueryParam("hospital") String hospital, @QueryParam("group") String group,
            @QueryParam("flagged") Boolean flagged, @QueryParam("diagnosed") Boolean diagnosed,
            @Parameter(description = "First day received, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        return worklist.page(new Worklist.Filter(hospital, group, flagged, diagnosed, period.startOf(from), period.startOf(to)), page,
                size);
    }

    @GET
    @Path("/{caseId}")
    @Operation(summary = "A case with its images, their calibrated probabilities and Grad-CAM heatmaps")
    public CaseView get(@PathParam("caseId") String caseId) {
        CaseRecord found = CaseRecord.findById(caseId);
        if (found == null) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-case", "Unknown case",
                    "no case '" + caseId + "' is on record");
        }
        return CaseFileMapper.toView(found, ImageRecord.list("caseId", caseId), PredictionRecord.list("caseId", caseId),
                ExplanationRecord.list("caseId", caseId), DeadLetterRecord.list("caseId = ?1 and redrivenAt is null", caseId));
    }
}
