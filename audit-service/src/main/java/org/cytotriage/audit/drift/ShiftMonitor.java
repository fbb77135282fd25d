package org.cytotriage.audit.drift;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.cytotriage.audit.metrics.CaseFilter;
import org.cytotriage.audit.metrics.ClinicalMetrics;
import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.model.DriftReference;
import org.cytotriage.audit.model.ModelCards;

/**
 * A shift seen before the diagnoses: per hospital, week (Monday 00:00 UTC) and model, the images
 * alone against the model card ({@link ShiftReport}). Aggregated in one SQL query over the
 * predictions; the confirmed figures come from the cases diagnosed meanwhile.
 */
@ApplicationScoped
public class ShiftMonitor {

    private static final String[] GROUPS = {"BENIGN", "INDETERMINATE", "MALIGNANT"};
    private static final String[] PROBABILITIES = {"p_benign", "p_indeterminate", "p_malignant"};

    private final EntityManager entityManager;
    private final ConfirmedCases confirmed;
    private final ModelCards cards;
    private final DriftConfig config;

    ShiftMonitor(EntityManager entityManager, ConfirmedCases confirmed, ModelCards cards, DriftConfig config) {
        this.entityManager = entityManager;
        this.confirmed = confirmed;
        this.cards = cards;
        this.config = config;
    }

    /** The weeks that start in [from, to), by hospital, week and model; {@code hospitals} null: every hospital. */
    public List<ShiftReport> weeks(Set<String> hospitals, Instant from, Instant to) {
        StringBuilder expected = new StringBuilder();
        for (String truth : PROBABILITIES) {
            for (String predicted : GROUPS) {
                expected.append(", coalesce(sum(").append(truth).append(") filter (where assessable and predicted_group = '")
                        .append(predicted).append("'), 0)");
            }
        }
        Query query = entityManager.createNativeQuery("""
                select hospital_id, date_trunc('week', predicted_at at time zone 'UTC') at time zone 'UTC' as week, model_name, model_version,
                       count(*), count(*) filter (where not assessable), avg(out_of_distribution), count(*) filter (where assessable),
                       avg(ln(greatest(stain_coverage, 1e-6))), avg(ln(greatest(contrast, 1e-6))), avg(ln(greatest(focus, 1e-6)))"""
                + expected + """
                 from predictions
                where assessable is not null and predicted_at >= :from and predicted_at < :to"""
                // A text block's indentation is stripped: the space before "group by" is written out, or
                // ":to" and "group" run together when no hospital condition comes between (every hospital).
                + (hospitals == null ? "" : hospitals.isEmpty() ? " and false" : " and hospital_id in (:hospitals)")
                + " group by 1, 2, 3, 4 order by 1, 2, 3, 4", Object[].class);
        query.setParameter("from", from).setParameter("to", to);
        if (hospitals != null && !hospitals.isEmpty()) {
            query.setParameter("hospitals", hospitals);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        Map<String, DriftReference> references = new HashMap<>();
        List<ShiftReport> reports = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            reports.add(report(row, references.computeIfAbsent(row[2] + "|" + row[3], k -> cards.referenceOf((String) row[2], (String) row[3]))));
        }
        return reports;
    }

    private ShiftReport report(Object[] row, DriftReference card) {
        String hospital = (String) row[0];
        Instant week = ConfirmedCases.toInstant(row[1]);
        String model = (String) row[2];
        String version = (String) row[3];
        long images = ((Number) row[4]).longValue();
        long notAssessable = ((Number) row[5]).longValue();
        Double meanOutOfDistribution = row[6] == null ? null : ((Number) row[6]).doubleValue();
        long assessed = ((Number) row[7]).longValue();
        double[][] expected = new double[3][3];
        for (int truth = 0; truth < 3; truth++) {
            for (int predicted = 0; predicted < 3; predicted++) {
                expected[truth][predicted] = ((Number) row[11 + 3 * truth + predicted]).doubleValue();
            }
        }
        Double estimated = assessed == 0 ? null : macroF1(expected);
        Double share = images == 0 ? null : (double) notAssessable / images;
        List<ConfirmedCase> cases = confirmed.matching(new CaseFilter(week, week.plus(java.time.Duration.ofDays(7)), Set.of(hospital),
                model, version));
        Double confirmedF1 = cases.isEmpty() ? null : ClinicalMetrics.macroF1(cases.stream().map(ConfirmedCase::scored).toList());
        Map<String, Double> measureShift = new LinkedHashMap<>();
        String[] measures = {"COVERAGE", "CONTRAST", "FOCUS"};
        for (int m = 0; m < measures.length; m++) {
            double[] training = card == null ? null : card.trainingMeasures().get(measures[m]);
            if (training != null && row[8 + m] != null && training[1] > 0) {
                measureShift.put(measures[m], (((Number) row[8 + m]).doubleValue() - training[0]) / training[1]);
            }
        }
        ShiftReport.Reference reference = card == null ? new ShiftReport.Reference(null, null, null)
                : new ShiftReport.Reference(card.assessedShare() == null ? null : 1 - card.assessedShare(), card.meanOutOfDistribution(),
                        card.macroF1());
        return new ShiftReport(hospital, model, version, week, images, notAssessable, share, meanOutOfDistribution, assessed, expected,
                estimated, cases.size(), confirmedF1, measureShift, reference,
                alarms(images, share, meanOutOfDistribution, estimated, measureShift, reference));
    }

    private List<String> alarms(long images, Double share, Double meanOutOfDistribution, Double estimated, Map<String, Double> measureShift,
            ShiftReport.Reference reference) {
        List<String> alarms = new ArrayList<>();
        if (images < config.minWeeklyImages()) {
            return alarms;
        }
        if (share != null && reference.shareNotAssessable() != null
                && share - reference.shareNotAssessable() > config.maxNotAssessableRise()) {
            alarms.add(String.format(java.util.Locale.ROOT, "%.0f %% of the images not assessable, against %.0f %% on the card's test set",
                    100 * share, 100 * reference.shareNotAssessable()));
        }
        if (meanOutOfDistribution != null && reference.meanOutOfDistribution() != null
                && meanOutOfDistribution > config.maxOutOfDistributionRatio() * reference.meanOutOfDistribution()) {
            alarms.add(String.format(java.util.Locale.ROOT, "mean out-of-distribution score %.2f, more than %.1f times the test set's %.2f",
                    meanOutOfDistribution, config.maxOutOfDistributionRatio(), reference.meanOutOfDistribution()));
        }
        measureShift.forEach((measure, shift) -> {
            if (Math.abs(shift) > config.maxMeasureShift()) {
                alarms.add(String.format(java.util.Locale.ROOT, "%s %s than the training images' by %.1f standard deviations (log scale)",
                        measure.toLowerCase(java.util.Locale.ROOT), shift < 0 ? "lower" : "higher", Math.abs(shift)));
            }
        });
        if (estimated != null && reference.macroF1() != null && reference.macroF1() - estimated > config.maxMacroF1Drop()) {
            alarms.add(String.format(java.util.Locale.ROOT, "estimated macro-F1 %.2f (from the calibrated probabilities, no diagnosis), "
                    + "%.2f below the test set's %.2f", estimated, reference.macroF1() - estimated, reference.macroF1()));
        }
        return alarms;
    }

    /** Macro-F1 of a (possibly fractional) confusion matrix: rows truth, columns prediction. */
    static double macroF1(double[][] confusion) {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            double truePositive = confusion[c][c];
            double falsePositive = 0;
            double falseNegative = 0;
            for (int k = 0; k < confusion.length; k++) {
                if (k != c) {
                    falsePositive += confusion[k][c];
                    falseNegative += confusion[c][k];
                }
            }
            double denominator = 2 * truePositive + falsePositive + falseNegative;
            sum += denominator == 0 ? 0 : 2 * truePositive / denominator;
        }
        return sum / confusion.length;
    }
}
