package org.cytotriage.audit.diagnosis;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.casefile.CaseRecord;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/cases/{caseId}/diagnoses")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CYTOPATHOLOGIST)
public class DiagnosisResource {

    private final FinalDiagnoses diagnoses;
    private final Caller caller;

    DiagnosisResource(FinalDiagnoses diagnoses, Caller caller) {
        this.diagnoses = diagnoses;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record the case's final diagnosis (Bethesda I-VI); a second call records a correction as the next version")
    @APIResponse(responseCode = "201", description = "Recorded; published as DiagnosisRecorded once committed, even if the broker is away now")
    @APIResponse(responseCode = "400", description = "Unknown Bethesda category (problem+json)")
    @APIResponse(responseCode = "404", description = "No such case at the caller's hospitals (problem+json)")
    public Response record(@PathParam("caseId") String caseId, @QueryParam("hospital") String hospital, DiagnosisRequest request) {
        DiagnosisRecord recorded = diagnoses.record(caseId, caller.scope(hospital), request, caller.actor());
        return Response.created(URI.create("/api/v1/cases/" + caseId + "/diagnoses/" + recorded.version + "?hospital=" + recorded.hospitalId))
                .entity(DiagnosisView.of(recorded)).build();
    }

    @GET
    @Operation(summary = "Every version of the case's final diagnosis, oldest first")
    public List<DiagnosisView> history(@PathParam("caseId") String caseId, @QueryParam("hospital") String hospital) {
        CaseRecord found = CaseRecord.visible(caseId, caller.scope(hospital));
        return DiagnosisRecord.history(found.hospitalId, caseId).stream().map(DiagnosisView::of).toList();
    }
}
