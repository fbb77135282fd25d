package org.cytotriage.audit.drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.model.LiveModels;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/audit/drift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AUDITOR, Roles.ML_ENGINEER})
public class DriftResource {

    private static final int MAX_WEEKS = 52;

    private final LiveModels live;
    private final DriftMonitor monitor;
    private final Clock clock;

    DriftResource(LiveModels live, DriftMonitor monitor, Clock clock) {
        this.live = live;
        this.monitor = monitor;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Each live model's recent class mix, confidence and confirmed-case macro-F1 against its model card")
    public List<DriftReport> drift(@QueryParam("model") String model) {
        return live.all().stream().filter(m -> model == null || m.name().equals(model)).map(monitor::assess).toList();
    }

    @GET
    @Path("/history")
    @Operation(summary = "A live model's drift over time: the same window ending at each of the last weeks, oldest first")
    public List<DriftReport> history(@QueryParam("model") String model, @QueryParam("weeks") @DefaultValue("12") int weeks) {
        Instant now = Instant.now(clock);
        int points = Math.max(1, Math.min(weeks, MAX_WEEKS));
        return live.all().stream().filter(m -> m.name().equals(model)).findFirst()
                .map(m -> monitor.history(m, now, points, Duration.ofDays(7)))
                .orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-model", "Unknown model",
                        "no prediction by a model named '" + model + "' is on record"));
    }
}
