package org.cytotriage.audit.model;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Who released what: every publication of a model audit-service saw, taken or refused, newest first. */
@Path("/api/v1/models/{name}/history")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AUDITOR, Roles.ML_ENGINEER, Roles.ADMIN})
public class ModelHistoryResource {

    /** {@code outcome} TAKEN or REFUSED (then {@code reason}); {@code signer}: the key id of a release that verified. */
    public record Publication(String eventId, String version, String sha256, String location, String approvedBy, Instant publishedAt,
            String signer, String outcome, String reason, Instant recordedAt) {
    }

    @GET
    @Operation(summary = "Every publication of the model audit-service saw, taken or refused, with its signer and approver, newest first")
    public List<Publication> history(@PathParam("name") String name) {
        return ModelPublicationRecord.of(name).stream().map(p -> new Publication(p.eventId, p.modelVersion, p.modelSha256, p.location,
                p.approvedBy, p.publishedAt, p.signerKeyId, p.outcome, p.reason, p.recordedAt)).toList();
    }
}
