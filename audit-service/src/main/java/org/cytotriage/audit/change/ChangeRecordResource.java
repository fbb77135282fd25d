package org.cytotriage.audit.change;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** A model's change ledger, and a version's change record. */
@Path("/api/v1/models/{name}/changes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ML_ENGINEER, Roles.AUDITOR, Roles.CYTOPATHOLOGIST_LEAD, Roles.ADMIN})
public class ChangeRecordResource {

    private final ChangeRecords records;
    private final Caller caller;

    ChangeRecordResource(ChangeRecords records, Caller caller) {
        this.records = records;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The model's append-only change ledger, oldest first: every retraining step, approval, decision and publication audit saw")
    public List<LedgerEntry> ledger(@PathParam("name") String name) {
        return records.ledger(name);
    }

    @GET
    @Path("/{version}")
    @Operation(summary = "The change record of one version: request, data, recipe, gate, shadow, approvals, release, rollbacks, publications")
    @APIResponse(responseCode = "404", description = "Nothing of that version is on record (problem+json)")
    public ChangeRecordView record(@PathParam("name") String name, @PathParam("version") String version) {
        // The shadow summary counts images: of every hospital for the roles that work across hospitals, else of the caller's.
        return records.record(name, version, caller.scope(null, Roles.ML_ENGINEER, Roles.ADMIN));
    }
}
