package org.cytotriage.audit.retraining;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.paging.Filters;
import org.cytotriage.audit.paging.Page;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/audit/retraining")
@Produces(MediaType.APPLICATION_JSON)
public class RetrainingResource {

    public record Request(String eventId, String model, String version, String trigger, String reason, int manifestSize,
            java.time.Instant requestedAt) {
    }

    @GET
    @Operation(summary = "Retraining requested so far (published on fnab.retraining with their manifests), newest first")
    public Page<Request> list(@QueryParam("model") String model, @QueryParam("version") String version,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Filters filters = Filters.where().equal("modelName", model).equal("modelVersion", version);
        return Page.of(RetrainingRequestRecord.find(filters.orderedBy("requestedAt desc"), filters.parameters()), page, size,
                (RetrainingRequestRecord r) -> new Request(r.eventId, r.modelName, r.modelVersion, r.trigger, r.reason, r.manifestSize, r.requestedAt));
    }
}
