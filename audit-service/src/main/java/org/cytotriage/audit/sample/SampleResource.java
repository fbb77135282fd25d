package org.cytotriage.audit.sample;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/audit/samples/{month}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.AUDITOR)
public class SampleResource {

    private final SampleDrawer drawer;
    private final SampleReports reports;
    private final Caller caller;

    SampleResource(SampleDrawer drawer, SampleReports reports, Caller caller) {
        this.drawer = drawer;
        this.reports = reports;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Draw the month's random sample of confirmed cases at one of the caller's hospitals (?hospital= names which) once the month has ended (on demand; once per month: a second call returns the first draw)")
    @APIResponse(responseCode = "200", description = "The month's audit report")
    @APIResponse(responseCode = "409", description = "The month has not ended (problem+json): see /provisional")
    public SampleReport draw(@PathParam("month") String month, @QueryParam("hospital") String hospital) {
        YearMonth parsed = parse(month);
        String own = caller.hospitalFor(hospital);
        drawer.draw(parsed, own, caller.actor());
        return reports.of(parsed, own);
    }

    @GET
    @Path("/provisional")
    @Operation(summary = "The month under way, drawn for this view only: labelled provisional, nothing kept")
    @APIResponse(responseCode = "200", description = "A provisional audit report")
    @APIResponse(responseCode = "409", description = "Not the month under way (problem+json)")
    public SampleReport provisional(@PathParam("month") String month, @QueryParam("hospital") String hospital) {
        return drawer.provisional(parse(month), caller.hospitalFor(hospital), caller.actor());
    }

    @GET
    @Operation(summary = "The month's audit report: agreement, confusion matrix, metrics and every disagreement of the random sample, and the enriched review list apart")
    public SampleReport report(@PathParam("month") String month, @QueryParam("hospital") String hospital) {
        String own = caller.hospitalFor(hospital);
        SampleReport report = reports.of(parse(month), own);
        if (report == null) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "no-sample", "No sample",
                    "no sample of " + month + " has been drawn for hospital '" + own + "'");
        }
        return report;
    }

    private static YearMonth parse(String month) {
        try {
            return YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Response.Status.BAD_REQUEST.getStatusCode(), "bad-month", "Bad month",
                    "'" + month + "' is not a month: expected yyyy-MM, for example 2026-11");
        }
    }
}
