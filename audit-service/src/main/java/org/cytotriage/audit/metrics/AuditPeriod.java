package org.cytotriage.audit.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Dates and months as the hospital reads them: days start at midnight in the audit's time zone. */
@ApplicationScoped
public class AuditPeriod {

    private final ZoneId zone;

    AuditPeriod(@ConfigProperty(name = "cytotriage.audit.zone", defaultValue = "UTC") ZoneId zone) {
        this.zone = zone;
    }

    public Instant startOf(LocalDate day) {
        return day == null ? null : day.atStartOfDay(zone).toInstant();
    }

    public CaseFilter month(YearMonth month, String hospitalId) {
        return new CaseFilter(startOf(month.atDay(1)), startOf(month.plusMonths(1).atDay(1)), hospitalId == null ? null : Set.of(hospitalId),
                null, null);
    }

    /** The instant a month ends (midnight of the next month's first day in the audit's zone). */
    public Instant endOf(YearMonth month) {
        return startOf(month.plusMonths(1).atDay(1));
    }

    public YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atZone(zone));
    }
}
