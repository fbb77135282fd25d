package org.cytotriage.audit.deadletter;

import java.time.LocalDate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.paging.Filters;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/v1/deadletters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {

    private final AuditPeriod period;

    DeadLetterResource(AuditPeriod period) {
        this.period = period;
    }

    @GET
    @Operation(summary = "Records the services could not process, newest first, by service, source topic, hospital and period")
    public Page<DeadLetterView> list(@QueryParam("service") String service, @QueryParam("topic") String topic,
            @QueryParam("hospital") String hospital,
            @Parameter(description = "First day, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Filters filters = Filters.where().equal("service", service).equal("sourceTopic", topic).equal("hospitalId", hospital)
                .atOrAfter("occurredAt", period.startOf(from)).before("occurredAt", period.startOf(to));
        return Page.of(DeadLetterRecord.<DeadLetterRecord>find(filters.orderedBy("occurredAt desc, eventId"), filters.parameters()), page,
                size, DeadLetterView::of);
    }
}
