package org.cytotriage.audit.drift;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.metrics.CaseFilter;
import org.cytotriage.audit.metrics.ClinicalMetrics;
import org.cytotriage.audit.metrics.ConfirmedCase;
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
        Instant from = to.minus(config.window());
        DriftReference reference = cards.referenceOf(live.name(), live.version());
        List<String> notes = new ArrayList<>();
        if (reference == null) {
            notes.add("no card with a prediction distribution is on record for " + live.name() + " " + live.version());
        }

        List<double[]> recent = recentProbabilities(live, from, to);
        double[] mix = new double[TreatmentGroup.values().length];
        double[] confidence = reference == null ? null : new double[reference.confidenceShares().length];
        for (double[] p : recent) {
            int predicted = ScoredCase.mostProbable(p).ordinal();
            mix[predicted] += 1.0 / recent.size();
            if (confidence != null) {
                confidence[reference.confidenceBin(p[predicted])] += 1.0 / recent.size();
            }
        }
        boolean enoughPredictions = recent.size() >= config.minPredictions();
        if (!enoughPredictions) {
            notes.add(recent.size() + " predictions in the window, fewer than the " + config.minPredictions() + " drift is judged on");
        }
        Double mixPsi = reference != null && enoughPredictions ? PopulationStability.index(reference.predictedMix(), mix) : null;
        Double confidencePsi = reference != null && enoughPredictions
                ? PopulationStability.index(reference.confidenceShares(), confidence) : null;

        List<ConfirmedCase> cases = confirmed.matching(new CaseFilter(from, to, null, live.name(), live.version()));
        Double macroF1 = null;
        if (cases.size() >= config.minConfirmedCases()) {
            macroF1 = ClinicalMetrics.of(cases.stream().map(ConfirmedCase::scored).toList()).macroF1();
        } else {
            notes.add(cases.size() + " confirmed cases in the window, fewer than the " + config.minConfirmedCases()
                    + " performance is judged on");
        }
        Double referenceF1 = reference == null ? null : reference.macroF1();
        return new DriftReport(live.name(), live.version(), live.liveSince(), from, to, recent.size(), mix,
                reference == null ? null : reference.predictedMix(), mixPsi, confidence,
                reference == null ? null : reference.confidenceShares(), confidencePsi, cases.size(), macroF1, referenceF1,
                mixPsi != null && mixPsi > config.psiThreshold(), confidencePsi != null && confidencePsi > config.psiThreshold(),
                macroF1 != null && referenceF1 != null && referenceF1 - macroF1 > config.maxMacroF1Drop(), List.copyOf(notes));
    }

    private List<double[]> recentProbabilities(LiveModel live, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select p_benign, p_indeterminate, p_malignant from predictions
                where model_name = ?1 and model_version = ?2 and predicted_at >= ?3 and predicted_at < ?4
                  and assessable is not false""", Object[].class)
                .setParameter(1, live.name()).setParameter(2, live.version()).setParameter(3, from).setParameter(4, to)
                .getResultList();
        return rows.stream().map(row -> new double[] {((Number) row[0]).doubleValue(), ((Number) row[1]).doubleValue(),
                ((Number) row[2]).doubleValue()}).toList();
    }
}
