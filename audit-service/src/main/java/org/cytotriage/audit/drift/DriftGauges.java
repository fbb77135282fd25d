package org.cytotriage.audit.drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.cytotriage.audit.model.LiveModels;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Drift as Prometheus gauges, recomputed every {@code cytotriage.audit.drift.refresh-every}:
 * {@code cytotriage_audit_drift_psi{model,version,measure}} and
 * {@code cytotriage_audit_confirmed_macro_f1{model,version}}; NaN while there is too little to judge. And the
 * week under way per hospital ({@link ShiftReport}): {@code cytotriage_audit_shift_not_assessable_share},
 * {@code cytotriage_audit_shift_out_of_distribution}, {@code cytotriage_audit_shift_estimated_macro_f1} and
 * {@code cytotriage_audit_shift_alarm} (1 when an alarm is raised), each {hospital,model,version}.
 */
@ApplicationScoped
public class DriftGauges {

    private final LiveModels live;
    private final DriftMonitor monitor;
    private final ShiftMonitor shift;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    DriftGauges(LiveModels live, DriftMonitor monitor, ShiftMonitor shift, Clock clock, MeterRegistry registry) {
        this.live = live;
        this.monitor = monitor;
        this.shift = shift;
        this.clock = clock;
        this.registry = registry;
    }

    @Scheduled(every = "${cytotriage.audit.drift.refresh-every}", identity = "drift-gauges",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @ActivateRequestContext
    void refresh() {
        for (DriftReport report : live.all().stream().map(monitor::assess).toList()) {
            set("cytotriage.audit.drift.psi", report, "class_mix", report.classMixPsi());
            set("cytotriage.audit.drift.psi", report, "confidence", report.confidencePsi());
            set("cytotriage.audit.confirmed.macro.f1", report, null, report.macroF1());
        }
        refreshShift();
    }

    /** The week under way at every hospital: what moved before any diagnosis (alert CytoTriageImageShift). */
    void refreshShift() {
        Instant week = ShiftResource.weekStart(Instant.now(clock));
        for (ShiftReport report : shift.weeks(null, week, week.plus(Duration.ofDays(7)))) {
            Tags tags = Tags.of("hospital", report.hospitalId(), "model", report.model(), "version", report.version());
            set("cytotriage.audit.shift.not.assessable.share", tags, report.shareNotAssessable());
            set("cytotriage.audit.shift.out.of.distribution", tags, report.meanOutOfDistribution());
            set("cytotriage.audit.shift.estimated.macro.f1", tags, report.estimatedMacroF1());
            set("cytotriage.audit.shift.alarm", tags, report.alarmed() ? 1.0 : 0.0);
        }
    }

    private void set(String name, Tags tags, Double value) {
        values.computeIfAbsent(name + "|" + tags, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, holder, AtomicReference::get).tags(tags).register(registry);
            return holder;
        }).set(value == null ? Double.NaN : value);
    }

    private void set(String name, DriftReport report, String measure, Double value) {
        String key = name + "|" + report.model() + "|" + report.version() + "|" + measure;
        values.computeIfAbsent(key, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.Builder<AtomicReference<Double>> gauge = Gauge.builder(name, holder, AtomicReference::get)
                    .tag("model", report.model()).tag("version", report.version());
            if (measure != null) {
                gauge.tag("measure", measure);
            }
            gauge.register(registry);
            return holder;
        }).set(value == null ? Double.NaN : value);
    }
}
