package org.cytotriage.audit.metrics;

import java.time.LocalDate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/v1/audit/metrics")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.AUDITOR)
public class MetricsResource {

    /**
     * The figures and what they cover; {@code assessability}: the images the model did not assess in
     * the same scope, counted apart (they are in none of the figures).
     */
    public record MetricsView(String label, CaseFilter filter, ClinicalReport metrics, AssessedImages.Counts assessability) {
    }

    static final String LABEL = "Demo models trained and tested on synthetic images: NOT FOR CLINICAL USE";

    private final ConfirmedCases confirmed;
    private final AssessedImages assessed;
    private final AuditPeriod period;
    private final Caller caller;

    MetricsResource(ConfirmedCases confirmed, AssessedImages assessed, AuditPeriod period, Caller caller) {
        this.confirmed = confirmed;
        this.assessed = assessed;
        this.period = period;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Clinical metrics of the confirmed cases (prediction against latest final diagnosis) in a period")
    public MetricsView metrics(
            @Parameter(description = "First day predicted, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("hospital") String hospital, @QueryParam("model") String model, @QueryParam("version") String version) {
        CaseFilter filter = new CaseFilter(period.startOf(from), period.startOf(to), CaseFilter.hospitalsOf(caller.scope(hospital)), model,
                version);
        return new MetricsView(LABEL, filter, ClinicalMetrics.of(confirmed.matching(filter).stream().map(ConfirmedCase::scored).toList()),
                assessed.matching(filter));
    }
}
