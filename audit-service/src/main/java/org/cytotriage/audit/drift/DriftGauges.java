package org.cytotriage.audit.drift;

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
 * {@code cytotriage_audit_confirmed_macro_f1{model,version}}; NaN while there is too little to judge.
 */
@ApplicationScoped
public class DriftGauges {

    private final LiveModels live;
    private final DriftMonitor monitor;
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    DriftGauges(LiveModels live, DriftMonitor monitor, MeterRegistry registry) {
        this.live = live;
        this.monitor = monitor;
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
