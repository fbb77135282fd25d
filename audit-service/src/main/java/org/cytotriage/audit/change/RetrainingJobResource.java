package org.cytotriage.audit.change;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The retraining jobs' progress, from the worker's steps in the change ledger. */
@Path("/api/v1/retraining/jobs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ML_ENGINEER, Roles.AUDITOR})
public class RetrainingJobResource {

    private final ChangeRecords records;

    RetrainingJobResource(ChangeRecords records) {
        this.records = records;
    }

    @GET
    @Operation(summary = "One row per retraining request the worker reported on: its latest step, epoch k of n with loss and validation macro-F1, candidate and gate; most recently updated first")
    public List<RetrainingJob> jobs(@QueryParam("model") String model) {
        return records.jobs(model == null || model.isBlank() ? null : model);
    }
}
