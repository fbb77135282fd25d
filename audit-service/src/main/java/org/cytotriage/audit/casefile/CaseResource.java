package org.cytotriage.audit.casefile;

import java.time.LocalDate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/cases")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CYTOPATHOLOGIST)
public class CaseResource {

    private final Worklist worklist;
    private final AuditPeriod period;
    private final Caller caller;
    private final CaseFiles caseFiles;

    CaseResource(Worklist worklist, AuditPeriod period, Caller caller, CaseFiles caseFiles) {
        this.worklist = worklist;
        this.period = period;
        this.caller = caller;
        this.caseFiles = caseFiles;
    }

    @GET
    @Operation(summary = "The worklist: recent cases, newest first, with their prediction and whether a final diagnosis is recorded")
    public Page<Worklist.Entry> list(@QueryParam("hospital") String hospital, @QueryParam("group") String group,
            @QueryParam("flagged") Boolean flagged, @QueryParam("diagnosed") Boolean diagnosed,
            @Parameter(description = "First day received, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        return worklist.page(new Worklist.Filter(caller.scope(hospital), group, flagged, diagnosed, period.startOf(from), period.startOf(to)), page,
                size);
    }

    @GET
    @Path("/{caseId}")
    @Operation(summary = "A case with its images, their calibrated probabilities and Grad-CAM heatmaps")
    @APIResponse(responseCode = "404", description = "No such case at the caller's hospitals (problem+json)")
    @APIResponse(responseCode = "409", description = "Two of the caller's hospitals have a case of this id: name the hospital (problem+json)")
    public CaseView get(@PathParam("caseId") String caseId,
            @Parameter(description = "One of the caller's hospitals; needed only when two of them have this case id") @QueryParam("hospital")
            String hospital) {
        return caseFiles.view(caseId, hospital);
    }
}
