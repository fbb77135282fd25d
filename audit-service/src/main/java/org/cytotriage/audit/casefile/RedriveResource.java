package org.cytotriage.audit.casefile;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.deadletter.DeadLetterView;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/deadletters/{eventId}/redrive")
@Produces(MediaType.APPLICATION_JSON)
public class RedriveResource {

    /** Who asks for the re-drive (until the caller's identity says so). */
    public record RedriveRequest(String redrivenBy) {
    }

    private final Redrives redrives;

    RedriveResource(Redrives redrives) {
        this.redrives = redrives;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a dead-lettered image through the pipeline again, once its cause is fixed; asking again changes nothing")
    @APIResponse(responseCode = "200", description = "The dead letter with its re-drive (when, by whom, the ImageReceived event published)")
    @APIResponse(responseCode = "404", description = "Unknown dead letter (problem+json)")
    @APIResponse(responseCode = "409", description = "The letter names no image on record (problem+json)")
    public DeadLetterView redrive(@PathParam("eventId") String eventId, RedriveRequest request) {
        return DeadLetterView.of(redrives.redrive(eventId, request == null ? null : request.redrivenBy()));
    }
}
