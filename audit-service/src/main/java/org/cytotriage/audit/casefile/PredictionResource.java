package org.cytotriage.audit.casefile;

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
import org.cytotriage.support.identity.Caller;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/v1/predictions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.CYTOPATHOLOGIST, Roles.AUDITOR})
public class PredictionResource {

    /** A prediction of one image, with the case it belongs to. */
    public record Listed(String imageId, String caseId, String hospitalId, CaseView.Prediction prediction) {
    }

    private final AuditPeriod period;

    private final Caller caller;

    PredictionResource(AuditPeriod period, Caller caller) {
        this.period = period;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Predictions on record, newest first, by hospital, period, model version, group and review flag")
    public Page<Listed> list(@QueryParam("hospital") String hospital,
            @Parameter(description = "First day predicted, inclusive (ISO date)") @QueryParam("from") LocalDate from,
            @Parameter(description = "Day after the last, exclusive (ISO date)") @QueryParam("to") LocalDate to,
            @QueryParam("model") String model, @QueryParam("version") String version, @QueryParam("group") String group,
            @QueryParam("flagged") Boolean flagged,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Filters filters = Filters.where().within("hospitalId", caller.scope(hospital)).atOrAfter("predictedAt", period.startOf(from))
                .before("predictedAt", period.startOf(to)).equal("modelName", model).equal("modelVersion", version)
                .equal("predictedGroup", group).equal("flaggedForReview", flagged);
        return Page.of(PredictionRecord.find(filters.orderedBy("predictedAt desc, id desc"), filters.parameters()), page, size,
                (PredictionRecord p) -> new Listed(p.imageId, p.caseId, p.hospitalId, CaseFileMapper.toView(p)));
    }
}
