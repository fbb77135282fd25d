package org.cytotriage.audit.change;

import java.util.List;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Approvals of a retrained candidate and rollbacks: an ML engineer's and a cytopathologist lead's decisions. */
@Path("/api/v1/models/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ML_ENGINEER, Roles.CYTOPATHOLOGIST_LEAD})
public class ChangeDecisionResource {

    private final ChangeDecisions decisions;
    private final Caller caller;

    ChangeDecisionResource(ChangeDecisions decisions, Caller caller) {
        this.decisions = decisions;
        this.caller = caller;
    }

    @POST
    @Path("/candidates/{version}/approvals")
    @Operation(summary = "Approve a candidate whose gate passed and whose shadow run completed, as one role; the second role's approval decides its release (ChangeDecision RELEASE on fnab.model-decisions)")
    @APIResponse(responseCode = "201", description = "Recorded: the approvals so far, and the release if this one decided it")
    @APIResponse(responseCode = "403", description = "The role named is not the caller's (problem+json)")
    @APIResponse(responseCode = "409", description = "Not a candidate, still in shadow, refused by the gate, or that role (or this person) approved already (problem+json, with the reason)")
    @APIResponse(responseCode = "422", description = "The caller holds both roles and named none, or the note is too long (problem+json)")
    public Response approve(@PathParam("name") String name, @PathParam("version") String version, DecisionRequest request) {
        ChangeDecisions.Approved approved = decisions.approve(name, version, role(request), note(request), caller.actor());
        return Response.status(Response.Status.CREATED).entity(approved).build();
    }

    @POST
    @Path("/rollback")
    @Operation(summary = "Go back to the version live before the current one (ChangeDecision ROLLBACK on fnab.model-decisions), recorded with who asked")
    @APIResponse(responseCode = "201", description = "Decided; the retraining worker carries it out")
    @APIResponse(responseCode = "409", description = "No earlier version was ever taken, or the same rollback waits to be carried out (problem+json)")
    public Response rollback(@PathParam("name") String name, DecisionRequest request) {
        return Response.status(Response.Status.CREATED).entity(decisions.rollback(name, role(request), note(request), caller.actor())).build();
    }

    /** The role the caller acts as: the one named, if it is theirs, else their only deciding role. */
    private String role(DecisionRequest request) {
        List<String> own = new TreeSet<>(caller.roles()).stream().filter(ChangeDecisions.APPROVING_ROLES::contains).toList();
        String named = request == null ? null : request.role();
        if (named != null && !named.isBlank()) {
            if (!own.contains(named)) {
                throw new ProblemException(403, "not-your-role", "Not your role", "this account acts as " + String.join(" or ", own)
                        + ", not as '" + named + "'");
            }
            return named;
        }
        if (own.size() != 1) {
            throw new ProblemException(ProblemException.UNPROCESSABLE, "role-required", "Which role", "this account holds "
                    + String.join(" and ", own) + " and decides as one of them: name it (role)");
        }
        return own.get(0);
    }

    private static String note(DecisionRequest request) {
        String note = request == null || request.note() == null ? "" : request.note().strip();
        if (note.length() > ChangeDecisions.MAX_NOTE) {
            throw new ProblemException(ProblemException.UNPROCESSABLE, "note-too-long", "Note too long", "a note has at most "
                    + ChangeDecisions.MAX_NOTE + " characters, not " + note.length());
        }
        return note;
    }
}
