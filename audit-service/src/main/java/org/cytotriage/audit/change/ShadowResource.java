package org.cytotriage.audit.change;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A candidate's shadow comparison: an ML engineer sees every hospital, an auditor or a cytopathologist lead their own. */
@Path("/api/v1/models/{name}/candidates/{version}/shadow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ML_ENGINEER, Roles.CYTOPATHOLOGIST_LEAD, Roles.AUDITOR})
public class ShadowResource {

    private final ShadowComparisons shadow;
    private final Caller caller;

    ShadowResource(ShadowComparisons shadow, Caller caller) {
        this.shadow = shadow;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The candidate in shadow against the live model: agreement, the disagreements (paged), and macro-F1 and Bethesda V recall of both on the cases confirmed meanwhile")
    public ShadowComparison shadow(@PathParam("name") String name, @PathParam("version") String version,
            @QueryParam("hospital") String hospital, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        return shadow.compare(name, version, caller.scope(hospital, Roles.ML_ENGINEER), page, size);
    }
}
