package org.cytotriage.audit.sample;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.review.Disagreements;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.problem.ProblemException;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Draws a month's samples for a hospital, once: a second draw of the same month returns the first.
 * The population is the month's confirmed cases in case-id order and the seed is named by month,
 * hospital and kind, so the draw can be repeated by anyone from the same cases. Only a month that
 * has ended is drawn: a draw freezes the sample for good, and one drawn mid-month would leave out
 * every case confirmed after it. An open month can be looked at provisionally ({@link #provisional}).
 */
@ApplicationScoped
public class SampleDrawer {

    private final ConfirmedCases confirmed;
    private final AuditPeriod period;
    private final Disagreements disagreements;
    private final SampleConfig config;
    private final EntityManager entityManager;
    private final Clock clock;
    private final SampleReports reports;

    SampleDrawer(ConfirmedCases confirmed, AuditPeriod period, Disagreements disagreements, SampleConfig config,
            EntityManager entityManager, Clock clock, SampleReports reports) {
        this.reports = reports;
        this.confirmed = confirmed;
        this.period = period;
        this.disagreements = disagreements;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** What the schedule draws as: the sample's record says no person asked for it. */
    public static final Actor SCHEDULE = new Actor(null, "monthly-sample-schedule", "The monthly sample schedule");

    /**
     * The month's random sample and, when configured, the enriched review list beside it, drawn by
     * {@code drawnBy} (the signed-in auditor, or {@link #SCHEDULE}); a second draw returns the first.
     */
    @Transactional
    public AuditSample draw(YearMonth month, String hospitalId, Actor drawnBy) {
        Instant now = Instant.now(clock);
        if (now.isBefore(period.endOf(month))) {
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "month-not-closed", "Month not closed",
                    month + " ends at " + period.endOf(month) + ": a month's sample is drawn once the month is over, and then kept as "
                            + "drawn; GET /api/v1/audit/samples/" + month + "/provisional shows a provisional report that keeps nothing");
        }
        return drawClosed(month, hospitalId, drawnBy);
    }

    /**
     * The open month's report as it would be drawn now, in a transaction that is rolled back: the
     * same draw and figures as the real one, and nothing of it kept (no sample, no disagreement).
     */
    public SampleReport provisional(YearMonth month, String hospitalId, Actor viewer) {
        Instant now = Instant.now(clock);
        if (!now.isBefore(period.endOf(month)) || now.isBefore(period.startOf(month.atDay(1)))) {
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "not-the-open-month", "Not the open month",
                    "a provisional report is of the month under way; " + month + (now.isBefore(period.endOf(month)) ? " has not begun"
                            : " has ended: its sample is drawn (POST /api/v1/audit/samples/" + month + ")"));
        }
        QuarkusTransaction.begin();
        try {
            drawClosed(month, hospitalId, viewer);
            return reports.of(month, hospitalId, SampleReports.PROVISIONAL_LABEL);
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private AuditSample drawClosed(YearMonth month, String hospitalId, Actor drawnBy) {
        AuditSample random = AuditSample.find(month, hospitalId, SampleKind.RANDOM);
        if (random != null) {
            return random;
        }
        List<ConfirmedCase> eligible = confirmed.matching(period.month(month, hospitalId));
        Drawn drawn = save(month, hospitalId, SampleKind.RANDOM, config.size(), eligible, drawnBy);
        if (config.enrichedSize() > 0) {
            Set<String> sampled = drawn.cases().stream().map(ConfirmedCase::caseId).collect(Collectors.toSet());
            List<ConfirmedCase> risky = eligible.stream().filter(c -> !sampled.contains(c.caseId())).filter(this::isRisky).toList();
            save(month, hospitalId, SampleKind.ENRICHED, config.enrichedSize(), risky, drawnBy);
        }
        return drawn.sample();
    }

    /** Predicted Indeterminate, a narrow margin, flagged for review, or diagnosed Bethesda V. */
    boolean isRisky(ConfirmedCase c) {
        return c.scored().predicted() == TreatmentGroup.INDETERMINATE || c.scored().margin() < config.riskyMargin()
                || c.scored().flaggedForReview() || c.diagnosis() == BethesdaCategory.V;
    }

    private record Drawn(AuditSample sample, List<ConfirmedCase> cases) {
    }

    private Drawn save(YearMonth month, String hospitalId, SampleKind kind, int size, List<ConfirmedCase> population, Actor drawnBy) {
        AuditSample sample = new AuditSample();
        sample.month = month.toString();
        sample.hospitalId = hospitalId;
        sample.kind = kind;
        sample.seed = SimpleRandomSample.seed("cytotriage-audit", month.toString(), hospitalId, kind.name());
        sample.requestedSize = size;
        sample.eligibleCases = population.size();
        sample.drawnAt = Instant.now(clock);
        sample.drawnBy = drawnBy.username();
        sample.drawnBySubject = drawnBy.subject();
        sample.persistAndFlush();
        List<ConfirmedCase> drawn = SimpleRandomSample.draw(population, size, sample.seed);
        for (int position = 0; position < drawn.size(); position++) {
            entityManager.createNativeQuery("insert into audit_sample_cases (sample_id, hospital_id, case_id, position) values (?1, ?2, ?3, ?4)")
                    .setParameter(1, sample.id).setParameter(2, hospitalId).setParameter(3, drawn.get(position).caseId())
                    .setParameter(4, position).executeUpdate();
        }
        disagreements.openFor(drawn);
        return new Drawn(sample, drawn);
    }
}
