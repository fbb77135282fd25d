package org.cytotriage.audit.interop.fhir;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

import org.cytotriage.audit.casefile.CaseFiles;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** A case's AI result for the record, as FHIR R4 ({@link CaseReportMapper}); the same access as the case itself. */
@Path("/api/v1/cases/{caseId}/fhir")
@RolesAllowed(Roles.CYTOPATHOLOGIST)
public class CaseReportResource {

    private final CaseFiles caseFiles;
    private final FhirJson fhir;

    CaseReportResource(CaseFiles caseFiles, FhirJson fhir) {
        this.caseFiles = caseFiles;
        this.fhir = fhir;
    }

    @GET
    @Produces(FhirJson.MEDIA_TYPE)
    @Operation(summary = "The case's AI result as FHIR R4: a collection Bundle of a preliminary DiagnosticReport, an Observation per"
            + " image, the model as a Device and the Grad-CAM overlays as Media")
    @APIResponse(responseCode = "404", description = "No such case at the caller's hospitals (problem+json)")
    public String report(@PathParam("caseId") String caseId,
            @Parameter(description = "One of the caller's hospitals; needed only when two of them have this case id") @QueryParam("hospital")
            String hospital, @Context UriInfo request) {
        return fhir.encode(CaseReportMapper.toBundle(caseFiles.view(caseId, hospital), request.getBaseUri()));
    }
}
