package org.cytotriage.audit.diagnosis;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/cases/{caseId}/diagnoses")
@Produces(MediaType.APPLICATION_JSON)
public class DiagnosisResource {

    private final FinalDiagnoses diagnoses;

    DiagnosisResource(FinalDiagnoses diagnoses) {
        this.diagnoses = diagnoses;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record the case's final diagnosis (Bethesda I-VI); a second call records a correction as the next version")
    @APIResponse(responseCode = "201", description = "Recorded; published as DiagnosisRecorded once committed, even if the broker is away now")
    @APIResponse(responseCode = "400", description = "Unknown Bethesda category or no recordedBy (problem+json)")
    @APIResponse(responseCode = "404", description = "Unknown case (problem+json)")
    public Response record(@PathParam("caseId") String caseId, DiagnosisRequest request) {
        DiagnosisRecord recorded = diagnoses.record(caseId, request);
        return Response.created(URI.create("/api/v1/cases/" + caseId + "/diagnoses/" + recorded.version))
                .entity(DiagnosisView.of(recorded)).build();
    }

    @GET
    @Operation(summary = "Every version of the case's final diagnosis, oldest first")
    public List<DiagnosisView> history(@PathParam("caseId") String caseId) {
        return DiagnosisRecord.history(caseId).stream().map(DiagnosisView::of).toList();
    }
}
