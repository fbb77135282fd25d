package org.cytotriage.audit.casefile;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/cases")
@Produces(MediaType.APPLICATION_JSON)
public class CaseResource {

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
                ExplanationRecord.list("caseId", caseId));
    }
}
