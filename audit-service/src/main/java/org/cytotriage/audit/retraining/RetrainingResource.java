package org.cytotriage.audit.retraining;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.audit.paging.Filters;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/audit/retraining")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AUDITOR, Roles.ML_ENGINEER})
public class RetrainingResource {

    /** {@code published}: false while its event waits in the outbox for the broker. */
    public record Request(String eventId, String model, String version, String trigger, String reason, int manifestSize,
            String manifestKey, String manifestSha256, boolean published, java.time.Instant requestedAt) {
    }

    private final Outbox outbox;
    private final ImageStore store;

    RetrainingResource(Outbox outbox, ImageStore store) {
        this.outbox = outbox;
        this.store = store;
    }

    @GET
    @Operation(summary = "Retraining requested so far (published on fnab.retraining, each with its manifest's key in the image store), newest first")
    public Page<Request> list(@QueryParam("model") String model, @QueryParam("version") String version,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Filters filters = Filters.where().equal("modelName", model).equal("modelVersion", version);
        return Page.of(RetrainingRequestRecord.find(filters.orderedBy("requestedAt desc"), filters.parameters()), page, size,
                (RetrainingRequestRecord r) -> new Request(r.eventId, r.modelName, r.modelVersion, r.trigger, r.reason, r.manifestSize,
                        r.manifestKey, r.manifestSha256, !outbox.isPending(r.eventId), r.requestedAt));
    }

    @GET
    @Path("/{eventId}/manifest")
    @RolesAllowed(Roles.ML_ENGINEER)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The request's manifest: an Avro object container file of ConfirmedCase records (schema in its header)")
    @APIResponse(responseCode = "200", description = "The file; its ETag is its sha256, as in the event's manifestRef")
    @APIResponse(responseCode = "404", description = "No such request, or one made before manifests were stored (problem+json)")
    public Response manifest(@PathParam("eventId") String eventId) {
        RetrainingRequestRecord request = RetrainingRequestRecord.findById(eventId);
        byte[] manifest = request == null || request.manifestKey == null ? null : store.get(request.manifestKey).orElse(null);
        if (manifest == null) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-manifest", "Unknown manifest",
                    "no stored manifest for retraining request '" + eventId + "'");
        }
        return Response.ok(manifest).header("ETag", "\"" + request.manifestSha256 + "\"")
                .header("Content-Disposition", "attachment; filename=\"retraining-" + eventId + ".avro\"").build();
    }
}
