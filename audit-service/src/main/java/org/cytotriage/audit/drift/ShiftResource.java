package org.cytotriage.audit.drift;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cytotriage.audit.metrics.CaseFilter;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A shift in what the hospitals send, per hospital and week, seen before the diagnoses ({@link ShiftReport}). */
@Path("/api/v1/audit/shift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AUDITOR, Roles.ML_ENGINEER})
public class ShiftResource {

    private static final int MAX_WEEKS = 52;

    private final ShiftMonitor monitor;
    private final Caller caller;
    private final Clock clock;

    ShiftResource(ShiftMonitor monitor, Caller caller, Clock clock) {
        this.monitor = monitor;
        this.caller = caller;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Per hospital, week and model: share not assessable, mean out-of-distribution score, label-free "
            + "estimated macro-F1 beside the confirmed one, and the alarms raised; oldest week first")
    public List<ShiftReport> shift(@QueryParam("hospital") String hospital, @QueryParam("weeks") @DefaultValue("12") int weeks) {
        Instant thisWeek = weekStart(Instant.now(clock));
        int count = Math.max(1, Math.min(weeks, MAX_WEEKS));
        // An auditor sees the hospitals they audit; an ML engineer, who decides on retraining, every hospital (as drift).
        return monitor.weeks(CaseFilter.hospitalsOf(caller.scope(hospital, Roles.ML_ENGINEER)), thisWeek.minus(Duration.ofDays(7L * (count - 1))),
                thisWeek.plus(Duration.ofDays(7)));
    }

    /** Monday 00:00 UTC of the instant's week, as PostgreSQL's date_trunc('week') in UTC. */
    static Instant weekStart(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).truncatedTo(ChronoUnit.DAYS)
                .toInstant();
    }
}
