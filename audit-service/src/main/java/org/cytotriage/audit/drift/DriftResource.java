package org.cytotriage.audit.drift;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.model.LiveModels;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/audit/drift")
@Produces(MediaType.APPLICATION_JSON)
public class DriftResource {

    private final LiveModels live;
    private final DriftMonitor monitor;

    DriftResource(LiveModels live, DriftMonitor monitor) {
        this.live = live;
        this.monitor = monitor;
    }

    @GET
    @Operation(summary = "Each live model's recent class mix, confidence and confirmed-case macro-F1 against its model card")
    public List<DriftReport> drift(@QueryParam("model") String model) {
        return live.all().stream().filter(m -> model == null || m.name().equals(model)).map(monitor::assess).toList();
    }
}
