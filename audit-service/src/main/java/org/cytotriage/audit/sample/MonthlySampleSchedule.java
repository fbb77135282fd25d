package org.cytotriage.audit.sample;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * On the first day of a month (cron {@code cytotriage.audit.sample.cron}) draws the month just
 * ended for every hospital with confirmed cases in it. Replicas may all fire: the first draw
 * stands (one sample per month, hospital and kind) and the others find it.
 */
@ApplicationScoped
public class MonthlySampleSchedule {

    private static final Logger LOG = Logger.getLogger(MonthlySampleSchedule.class);

    private final SampleDrawer drawer;
    private final ConfirmedCases confirmed;
    private final AuditPeriod period;
    private final Clock clock;

    MonthlySampleSchedule(SampleDrawer drawer, ConfirmedCases confirmed, AuditPeriod period, Clock clock) {
        this.drawer = drawer;
        this.confirmed = confirmed;
        this.period = period;
        this.clock = clock;
    }

    @Scheduled(cron = "${cytotriage.audit.sample.cron}", identity = "monthly-audit-sample",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        drawLastMonth();
    }

    /** Draws the previous month for each hospital; returns the hospitals drawn. */
    @ActivateRequestContext
    public List<String> drawLastMonth() {
        YearMonth month = period.monthOf(Instant.now(clock)).minusMonths(1);
        List<String> hospitals = confirmed.matching(period.month(month, null)).stream().map(ConfirmedCase::hospitalId).distinct()
                .sorted().toList();
        for (String hospital : hospitals) {
            try {
                drawer.draw(month, hospital, SampleDrawer.SCHEDULE);
            } catch (RuntimeException e) {
                // Another replica drew it at the same moment (unique key); the next run finds it drawn.
                LOG.warnf(e, "monthly sample %s for %s not drawn here", month, hospital);
            }
        }
        return hospitals;
    }
}
