package org.cytotriage.audit.sample;

import java.util.Set;

import org.cytotriage.audit.metrics.AssessedImages;
import org.cytotriage.audit.metrics.AuditPeriod;
import org.cytotriage.audit.metrics.CaseFilter;

import java.time.YearMonth;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.metrics.ClinicalMetrics;
import org.cytotriage.audit.metrics.ClinicalReport;
import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.review.DisagreementView;
import org.cytotriage.audit.review.Disagreements;

/** Builds a month's report from its drawn samples and their cases' current diagnoses and reviews. */
@ApplicationScoped
public class SampleReports {

    static final String LABEL = "Monthly audit: simple random sample of confirmed cases. Demo models: NOT FOR CLINICAL USE";
    static final String ENRICHED_LABEL = "Enriched review list: risky cases outside the random sample (predicted Indeterminate, "
            + "narrow margin, flagged for review or Bethesda V), chosen for risk, not at random: excluded from the figures above";
    static final String PROVISIONAL_LABEL = "PROVISIONAL: the month has not ended; this sample was drawn for this view only and "
            + "is not kept (the month's audit is drawn once it is over). Demo models: NOT FOR CLINICAL USE";

    private final ConfirmedCases confirmed;
    private final AssessedImages assessed;
    private final AuditPeriod period;
    private final Disagreements disagreements;

    SampleReports(ConfirmedCases confirmed, AssessedImages assessed, AuditPeriod period, Disagreements disagreements) {
        this.confirmed = confirmed;
        this.assessed = assessed;
        this.period = period;
        this.disagreements = disagreements;
    }

    /** Null when the month has not been drawn for the hospital. */
    @Transactional
    public SampleReport of(YearMonth month, String hospitalId) {
        return of(month, hospitalId, LABEL);
    }

    @Transactional
    SampleReport of(YearMonth month, String hospitalId, String label) {
        AuditSample random = AuditSample.find(month, hospitalId, SampleKind.RANDOM);
        if (random == null) {
            return null;
        }
        List<ConfirmedCase> cases = confirmed.inSample(random.id);
        ClinicalReport metrics = ClinicalMetrics.of(cases.stream().map(ConfirmedCase::scored).toList());
        String note = cases.size() < random.requestedSize
                ? "Only " + cases.size() + " confirmed cases in " + month + " at " + hospitalId + ": the sample holds all of them, not "
                        + random.requestedSize
                : null;
        AuditSample enriched = AuditSample.find(month, hospitalId, SampleKind.ENRICHED);
        SampleReport.EnrichedList enrichedList = null;
        if (enriched != null) {
            List<ConfirmedCase> risky = confirmed.inSample(enriched.id);
            enrichedList = new SampleReport.EnrichedList(ENRICHED_LABEL, enriched.requestedSize, enriched.eligibleCases,
                    caseIds(risky), views(risky));
        }
        return new SampleReport(label, random.month, hospitalId, random.drawnAt, random.drawnBy, Long.toString(random.seed), random.requestedSize,
                random.eligibleCases, cases.size(), note, metrics.accuracy(), metrics, caseIds(cases), views(cases), enrichedList,
                assessed.matching(new CaseFilter(period.startOf(month.atDay(1)), period.endOf(month), Set.of(hospitalId), null, null)));
    }

    private List<DisagreementView> views(List<ConfirmedCase> cases) {
        return disagreements.of(cases).stream().map(DisagreementView::summary).toList();
    }

    private static List<String> caseIds(List<ConfirmedCase> cases) {
        return cases.stream().map(ConfirmedCase::caseId).toList();
    }
}
