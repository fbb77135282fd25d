package org.cytotriage.audit.casefile;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.deadletter.DeadLetterView;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/deadletters/{eventId}/redrive")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class RedriveResource {

    private final Redrives redrives;
    private final Caller caller;

    RedriveResource(Redrives redrives, Caller caller) {
        this.redrives = redrives;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Send a dead-lettered image through the pipeline again, once its cause is fixed; asking again changes nothing")
    @APIResponse(responseCode = "200", description = "The dead letter with its re-drive (when, by whom: the signed-in operator; the ImageReceived event published)")
    @APIResponse(responseCode = "404", description = "Unknown dead letter (problem+json)")
    @APIResponse(responseCode = "409", description = "The letter names no image on record (problem+json)")
    public DeadLetterView redrive(@PathParam("eventId") String eventId) {
        return DeadLetterView.of(redrives.redrive(eventId, caller.actor()));
    }
}
