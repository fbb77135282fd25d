package org.cytotriage.audit.retraining;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.cytotriage.audit.drift.DriftMonitor;
import org.cytotriage.audit.drift.DriftReport;
import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.model.LiveModels;
import org.cytotriage.events.v1.RetrainingTrigger;

import io.quarkus.scheduler.Scheduled;

/**
 * Checks every live model's triggers: six months live (scheduled), drift of class mix or
 * confidence, or macro-F1 on confirmed cases fallen below the card. Each trigger asks once per
 * model version ({@link RetrainingRequests}).
 */
@ApplicationScoped
public class RetrainingMonitor {

    /** A trigger that fired, and why, in words for the retraining team. */
    public record Fired(LiveModel model, RetrainingTrigger trigger, String reason, boolean requested) {
    }

    private final LiveModels live;
    private final DriftMonitor drift;
    private final RetrainingRequests requests;
    private final RetrainingConfig config;
    private final Clock clock;

    RetrainingMonitor(LiveModels live, DriftMonitor drift, RetrainingRequests requests, RetrainingConfig config, Clock clock) {
        this.live = live;
        this.drift = drift;
        this.requests = requests;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${cytotriage.audit.retraining.check-every}", identity = "retraining-triggers",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        check();
    }

    /** Every trigger that holds now; {@code requested} is false for those that had already asked. */
    @ActivateRequestContext
    public List<Fired> check() {
        Instant now = Instant.now(clock);
        List<Fired> fired = new ArrayList<>();
        for (LiveModel model : live.all()) {
            Instant due = model.liveSince().atOffset(ZoneOffset.UTC).plus(config.scheduleAfter()).toInstant();
            if (!now.isBefore(due)) {
                fire(fired, model, RetrainingTrigger.SCHEDULED, "live since " + model.liveSince() + ": " + config.scheduleAfter()
                        + " reached on " + due);
            }
            DriftReport report = drift.assess(model);
            if (report.classMixDrifted() || report.confidenceDrifted()) {
                fire(fired, model, RetrainingTrigger.DRIFT, String.format(Locale.ROOT,
                        "population stability index over %d predictions since %s: class mix %.3f, confidence %.3f",
                        report.predictions(), report.windowFrom(), report.classMixPsi(), report.confidencePsi()));
            }
            if (report.performanceDropped()) {
                fire(fired, model, RetrainingTrigger.PERFORMANCE, String.format(Locale.ROOT,
                        "macro-F1 %.3f on %d confirmed cases since %s, the card's %.3f", report.macroF1(), report.confirmedCases(),
                        report.windowFrom(), report.referenceMacroF1()));
            }
        }
        return fired;
    }

    private void fire(List<Fired> fired, LiveModel model, RetrainingTrigger trigger, String reason) {
        fired.add(new Fired(model, trigger, reason, requests.request(model, trigger, reason)));
    }
}
