package org.cytotriage.audit.drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.metrics.CaseFilter;
import org.cytotriage.audit.metrics.ClinicalMetrics;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.metrics.ScoredCase;
import org.cytotriage.audit.model.DriftReference;
import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.model.ModelCards;
import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * Compares a live model's predictions of the last window with its card: class mix and confidence
 * by population stability index, macro-F1 on the window's confirmed cases against the card's.
 */
@ApplicationScoped
public class DriftMonitor {

    private final EntityManager entityManager;
    private final ConfirmedCases confirmed;
    private final ModelCards cards;
    private final DriftConfig config;
    private final Clock clock;

    DriftMonitor(EntityManager entityManager, ConfirmedCases confirmed, ModelCards cards, DriftConfig config, Clock clock) {
        this.entityManager = entityManager;
        this.confirmed = confirmed;
        this.cards = cards;
        this.config = config;
        this.clock = clock;
    }

    public DriftReport assess(LiveModel live) {
        return assess(live, Instant.now(clock));
    }

    /** The window that ends at {@code to}. */
    public DriftReport assess(LiveModel live, Instant to) {
        return history(live, to, 1, config.window()).get(0);
    }

    /**
     * The windows ending at {@code latest} and at each of the {@code points - 1} steps before it,
     * oldest first. Counted in one pass per table, not one per window: the span is cut into buckets of
     * the greatest common divisor of the window and the step (a day for 30 days and a week), each
     * window is a run of whole buckets, and its counts are their sums: the same counts, exactly, as
     * counting each window on its own.
     */
    public List<DriftReport> history(LiveModel live, Instant latest, int points, Duration step) {
        long windowSeconds = config.window().toSeconds();
        long unit = gcd(windowSeconds, step.toSeconds());
        int windowBuckets = (int) (windowSeconds / unit);
        int stepBuckets = (int) (step.toSeconds() / unit);
        int buckets = (points - 1) * stepBuckets + windowBuckets;
        Instant from = latest.minusSeconds(buckets * unit);
        DriftReference reference = cards.referenceOf(live.name(), live.version());
        int[][][] predictions = recentCounts(live, from, latest, reference, unit, buckets);
        int[][][] confusions = confirmed.confusionByBucket(new CaseFilter(from, latest, null, live.name(), live.version()), latest, unit,
                buckets);
        List<DriftReport> reports = new ArrayList<>();
        for (int k = points - 1; k >= 0; k--) {
            int first = k * stepBuckets;
            int[][] counts = new int[TreatmentGroup.values().length][predictions[0][0].length];
            int[][] confusion = new int[3][3];
            for (int b = first; b < first + windowBuckets; b++) {
                for (int g = 0; g < counts.length; g++) {
                    for (int bin = 0; bin < counts[g].length; bin++) {
                        counts[g][bin] += predictions[b][g][bin];
                    }
                    for (int p = 0; p < 3; p++) {
                        confusion[g][p] += confusions[b][g][p];
                    }
                }
            }
            Instant to = latest.minusSeconds(first * unit);
            reports.add(report(live, reference, to.minus(config.window()), to, counts, confusion));
        }
        return reports;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private DriftReport report(LiveModel live, DriftReference reference, Instant from, Instant to, int[][] counts, int[][] confusion) {
        List<String> notes = new ArrayList<>();
        if (reference == null) {
            notes.add("no card with a prediction distribution is on record for " + live.name() + " " + live.version());
        }
        int predictions = Arrays.stream(counts).flatMapToInt(Arrays::stream).sum();
        double[] mix = new double[TreatmentGroup.values().length];
        double[] confidence = reference == null ? null : new double[reference.confidenceShares().length];
        for (int group = 0; group < mix.length; group++) {
            for (int bin = 0; bin < counts[group].length; bin++) {
                mix[group] += (double) counts[group][bin] / predictions;
                if (confidence != null) {
                    confidence[bin] += (double) counts[group][bin] / predictions;
                }
            }
        }
        boolean enoughPredictions = predictions >= config.minPredictions();
        if (!enoughPredictions) {
            notes.add(predictions + " predictions in the window, fewer than the " + config.minPredictions() + " drift is judged on");
        }
        Double mixPsi = reference != null && enoughPredictions ? PopulationStability.index(reference.predictedMix(), mix) : null;
        Double confidencePsi = reference != null && enoughPredictions
                ? PopulationStability.index(reference.confidenceShares(), confidence) : null;

        int confirmedCases = Arrays.stream(confusion).flatMapToInt(Arrays::stream).sum();
        Double macroF1 = null;
        if (confirmedCases >= config.minConfirmedCases()) {
            macroF1 = ClinicalMetrics.macroF1(confusion);
        } else {
            notes.add(confirmedCases + " confirmed cases in the window, fewer than the " + config.minConfirmedCases()
                    + " performance is judged on");
        }
        Double referenceF1 = reference == null ? null : reference.macroF1();
        return new DriftReport(live.name(), live.version(), live.liveSince(), from, to, predictions, mix,
                reference == null ? null : reference.predictedMix(), mixPsi, confidence,
                reference == null ? null : reference.confidenceShares(), confidencePsi, confirmedCases, macroF1, referenceF1,
                mixPsi != null && mixPsi > config.psiThreshold(), confidencePsi != null && confidencePsi > config.psiThreshold(),
                macroF1 != null && referenceF1 != null && referenceF1 - macroF1 > config.maxMacroF1Drop(), List.copyOf(notes));
    }

    /**
     * The assessable predictions of [from, to) counted by time bucket (as {@link
     * ConfirmedCases#confusionByBucket}), predicted group (the first of equals, as {@link
     * ScoredCase#mostProbable}) and the reference's confidence bin of their top probability (bins
     * (low, high], as {@link DriftReference#confidenceBin}; all in bin 0 without a reference). Counted
     * by the database: a country's month is ~10^5 predictions, which were read one by one.
     */
    private int[][][] recentCounts(LiveModel live, Instant from, Instant to, DriftReference reference, long unit, int buckets) {
        int bins = reference == null ? 1 : reference.confidenceShares().length;
        double[] inner = reference == null ? new double[0] : Arrays.copyOfRange(reference.confidenceEdges(), 1, bins);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select ceil(extract(epoch from (cast(?4 as timestamptz) - predicted_at)) / ?6)::int - 1, g,
                       (select count(*) from unnest(cast(cast(?5 as text) as float8[])) e where top > e), count(*)
                from (select predicted_at,
                             case when p_benign >= p_indeterminate and p_benign >= p_malignant then 0
                                  when p_indeterminate >= p_malignant then 1 else 2 end as g,
                             greatest(p_benign, p_indeterminate, p_malignant) as top
                      from predictions
                      where model_name = ?1 and model_version = ?2 and predicted_at >= ?3 and predicted_at < ?4
                        and assessable is not false) w
                group by 1, 2, 3""", Object[].class)
                .setParameter(1, live.name()).setParameter(2, live.version()).setParameter(3, from).setParameter(4, to)
                .setParameter(5, Arrays.stream(inner).mapToObj(Double::toString).collect(Collectors.joining(",", "{", "}")))
                .setParameter(6, unit).getResultList();
        int[][][] counts = new int[buckets][TreatmentGroup.values().length][bins];
        for (Object[] row : rows) {
            int b = Math.min(buckets - 1, Math.max(0, ((Number) row[0]).intValue()));
            counts[b][((Number) row[1]).intValue()][((Number) row[2]).intValue()] += ((Number) row[3]).intValue();
        }
        return counts;
    }
}
