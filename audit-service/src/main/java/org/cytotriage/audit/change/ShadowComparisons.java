package org.cytotriage.audit.change;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.metrics.ClinicalMetrics;
import org.cytotriage.audit.metrics.ClinicalReport;
import org.cytotriage.audit.metrics.ScoredCase;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.support.identity.HospitalScope;

/**
 * Compares a candidate's shadow predictions with the live model's on the same images. An image's
 * live prediction is the latest that audit recorded of it by another version of the same model. Two
 * predictions agree when their groups are the same, "not assessable" counting as a group of its own.
 * On the compared images of confirmed cases that both models assessed, each case's prediction is the
 * mean of those images' probabilities (as {@code case_predictions} makes it) and the figures are
 * {@link ClinicalMetrics}'.
 */
@ApplicationScoped
class ShadowComparisons {

    static final String NOT_ASSESSABLE = "NOT_ASSESSABLE";

    private static final String PAIRS = """
            select s.image_id, s.case_id, s.hospital_id,
                   s.predicted_group, s.assessable, s.p_benign, s.p_indeterminate, s.p_malignant,
                   l.model_version, l.predicted_group, l.assessable, l.p_benign, l.p_indeterminate, l.p_malignant,
                   d.bethesda
            from shadow_predictions s
                 join lateral (select p.model_version, p.predicted_group, p.assessable, p.p_benign, p.p_indeterminate, p.p_malignant
                               from predictions p
                               where p.image_id = s.image_id and p.hospital_id = s.hospital_id and p.model_name = s.model_name
                                 and p.model_version <> s.model_version
                               order by p.predicted_at desc, p.id desc limit 1) l on true
                 left join latest_diagnoses d on d.hospital_id = s.hospital_id and d.case_id = s.case_id
            where s.model_name = :model and s.model_version = :version
            """;

    private final EntityManager entityManager;

    ShadowComparisons(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The comparison in the scope's hospitals, the disagreements paged (oldest shadow prediction first). */
    @Transactional
    ShadowComparison compare(String model, String version, HospitalScope scope, int page, int size) {
        List<Pair> pairs = pairs(model, version, scope);
        List<ShadowComparison.Disagreement> disagreements = new ArrayList<>();
        for (Pair pair : pairs) {
            if (!pair.agrees()) {
                disagreements.add(new ShadowComparison.Disagreement(pair.imageId, pair.caseId, pair.hospitalId, pair.live, pair.shadow));
            }
        }
        int bounded = Math.max(1, Math.min(size, Page.MAX_SIZE));
        int index = Math.max(0, page);
        int from = (int) Math.min((long) index * bounded, disagreements.size());
        Page<ShadowComparison.Disagreement> paged = new Page<>(index, bounded, disagreements.size(),
                List.copyOf(disagreements.subList(from, Math.min(from + bounded, disagreements.size()))));
        int agreed = pairs.size() - disagreements.size();
        return new ShadowComparison(model, version, scope.toString(), pairs.size(), agreed,
                pairs.isEmpty() ? null : (double) agreed / pairs.size(),
                List.copyOf(new TreeSet<>(pairs.stream().map(pair -> pair.live.version()).toList())), paged, confirmed(pairs));
    }

    /** How many images were compared, and the share agreed (null when none). */
    record Agreement(int compared, Double share) {
    }

    /** The agreement alone, without the disagreements and figures. */
    @Transactional
    Agreement agreement(String model, String version, HospitalScope scope) {
        List<Pair> pairs = pairs(model, version, scope);
        long agreed = pairs.stream().filter(Pair::agrees).count();
        return new Agreement(pairs.size(), pairs.isEmpty() ? null : (double) agreed / pairs.size());
    }

    private static ShadowComparison.Confirmed confirmed(List<Pair> pairs) {
        Map<String, List<Pair>> byCase = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            if (pair.bethesda != null && pair.live.assessable() && pair.shadow.assessable()) {
                byCase.computeIfAbsent(pair.hospitalId + "/" + pair.caseId, key -> new ArrayList<>()).add(pair);
            }
        }
        List<ScoredCase> live = new ArrayList<>();
        List<ScoredCase> shadow = new ArrayList<>();
        byCase.values().forEach(images -> {
            BethesdaCategory diagnosis = BethesdaCategory.valueOf(images.get(0).bethesda);
            live.add(new ScoredCase(diagnosis, mean(images.stream().map(p -> p.live).toList()), false));
            shadow.add(new ScoredCase(diagnosis, mean(images.stream().map(p -> p.shadow).toList()), false));
        });
        return new ShadowComparison.Confirmed(byCase.size(), figures(live), figures(shadow));
    }

    private static ShadowComparison.Figures figures(List<ScoredCase> cases) {
        ClinicalReport report = ClinicalMetrics.of(cases);
        return new ShadowComparison.Figures(report.macroF1(), report.intervals().macroF1(), report.bethesdaV().cases(),
                report.bethesdaV().recall(), report.intervals().bethesdaVRecall());
    }

    private static double[] mean(List<ShadowComparison.Prediction> predictions) {
        double[] sum = new double[3];
        for (ShadowComparison.Prediction p : predictions) {
            sum[0] += p.benign();
            sum[1] += p.indeterminate();
            sum[2] += p.malignant();
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] /= predictions.size();
        }
        return sum;
    }

    private List<Pair> pairs(String model, String version, HospitalScope scope) {
        Map<String, Object> parameters = new HashMap<>(Map.of("model", model, "version", version));
        String sql = PAIRS;
        if (!scope.isEvery()) {
            if (scope.hospitals().isEmpty()) {
                return List.of();
            }
            sql += " and s.hospital_id in (:hospitals)";
            parameters.put("hospitals", scope.hospitals());
        }
        Query query = entityManager.createNativeQuery(sql + " order by s.predicted_at, s.image_id", Object[].class);
        parameters.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(row -> new Pair((String) row[0], (String) row[1], (String) row[2],
                prediction((String) row[8], row[9], row[10], row[11], row[12], row[13]),
                prediction(version, row[3], row[4], row[5], row[6], row[7]), (String) row[14])).toList();
    }

    private static ShadowComparison.Prediction prediction(String version, Object group, Object assessable, Object benign,
            Object indeterminate, Object malignant) {
        return new ShadowComparison.Prediction(version, (String) group, group != null && !Boolean.FALSE.equals(assessable),
                ((Number) benign).doubleValue(), ((Number) indeterminate).doubleValue(), ((Number) malignant).doubleValue());
    }

    private record Pair(String imageId, String caseId, String hospitalId, ShadowComparison.Prediction live,
            ShadowComparison.Prediction shadow, String bethesda) {

        boolean agrees() {
            return label(live).equals(label(shadow));
        }

        private static String label(ShadowComparison.Prediction prediction) {
            return prediction.assessable() ? prediction.group() : NOT_ASSESSABLE;
        }
    }
}
