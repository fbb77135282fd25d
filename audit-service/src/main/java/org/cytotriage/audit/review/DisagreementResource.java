package org.cytotriage.audit.review;

import java.time.LocalDate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.paging.Filters;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/v1/audit/disagreements")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.AUDITOR)
public class DisagreementResource {

    private final Disagreements disagreements;
    private final AuditPeriod period;
    private final Caller caller;

    DisagreementResource(Disagreements disagreements, AuditPeriod period, Caller caller) {
        this.disagreements = disagreements;
        this.period = period;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Disagreements between model and final diagnosis, newest first, by status, hospital, period opened and model version")
    public Page<DisagreementView> list(@QueryParam("status") ReviewStatus status, @QueryParam("hospital") String hospital,
            @Parameter(description = "First day opened, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("model") String model, @QueryParam("version") String version,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Filters filters = Filters.where().equal("status", status).within("hospitalId", caller.scope(hospital))
                .atOrAfter("openedAt", period.startOf(from)).before("openedAt", period.startOf(to)).equal("modelName", model)
                .equal("modelVersion", version);
        return Page.of(Disagreement.find(filters.orderedBy("openedAt desc, id desc"), filters.parameters()), page, size,
                DisagreementView::summary);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A disagreement with every step of its review")
    public DisagreementView get(@PathParam("id") long id) {
        return DisagreementView.of(disagreements.get(id, caller.scope(null)), DisagreementReview.list("disagreementId = ?1 order by reviewedAt, id", id));
    }

    @POST
    @Path("/{id}/reviews")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a review step: discussed or resolved (forward only), with a comment; the reviewer is the signed-in auditor")
    public DisagreementView review(@PathParam("id") long id, ReviewRequest request) {
        disagreements.review(id, request, caller.actor(), caller.scope(null));
        return get(id);
    }
}
