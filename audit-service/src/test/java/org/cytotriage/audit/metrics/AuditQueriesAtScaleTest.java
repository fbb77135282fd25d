package org.cytotriage.audit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.cytotriage.audit.drift.DriftMonitor;
import org.cytotriage.audit.drift.DriftReport;
import org.cytotriage.audit.model.DriftReference;
import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.model.LiveModels;
import org.cytotriage.audit.model.ModelCards;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.infra.RealInfraTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The audit's reads made for a country's record (issue 27, docs/audit-at-scale.md) give the figures
 * the views and the row-by-row code gave, on the real PostgreSQL: a record of one hospital, two
 * versions of a model (the second re-predicting some images of cases the first predicted), images the
 * model did not assess, corrected diagnoses and undiagnosed cases. The "before" side of each
 * comparison is the query or computation as it stood before, kept here.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class AuditQueriesAtScaleTest {

    /** Sums of doubles in another order (the database's against Java's): far below any figure's rounding. */
    private static final double TOLERANCE = 1e-12;
    private static final double[] EDGES = {0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};
    private static final double[] SHARES = {0, 0.01, 0.05, 0.06, 0.08, 0.14, 0.11, 0.35, 0.20};

    /** The view-based read of confirmed cases, as ConfirmedCases ran it before. */
    private static final String VIEWS = """
            select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
                   p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
            from case_predictions p join latest_diagnoses d on d.hospital_id = p.hospital_id and d.case_id = p.case_id
            """;

    @Inject
    EntityManager entityManager;
    @Inject
    ConfirmedCases confirmed;
    @Inject
    DriftMonitor drift;
    @Inject
    LiveModels liveModels;
    @Inject
    ModelCards cards;

    // The model's name sorts after every other test's, so the drift listings they read keep their order.
    private final String model = "zz-scale-" + UUID.randomUUID().toString().substring(0, 8);
    private final String hospital = "hospital-scale-" + UUID.randomUUID().toString().substring(0, 8);
    private final Instant end = Instant.parse("2026-03-01T00:00:00Z");

    @BeforeEach
    void record() {
        SplittableRandom random = new SplittableRandom(27);
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("insert into model_cards (model_name, model_version, model_sha256, location, card) values (?1, '2.0', ?2, 'test', ?3)")
                    .setParameter(1, model).setParameter(2, "b".repeat(64)).setParameter(3, card()).executeUpdate();
            for (int c = 0; c < 240; c++) {
                String caseId = "case-" + c;
                Instant arrived = end.minus(Duration.ofDays(80)).plus(Duration.ofMinutes(480L * c));
                entityManager.createNativeQuery("insert into cases (hospital_id, case_id, first_seen_at) values (?1, ?2, ?3)")
                        .setParameter(1, hospital).setParameter(2, caseId).setParameter(3, arrived).executeUpdate();
                int truth = random.nextInt(3);
                int images = 1 + random.nextInt(3);
                // The first 160 cases by version 1.0, the rest by 2.0; 2.0 also re-predicts one image of every fifth earlier case.
                String version = c < 160 ? "1.0" : "2.0";
                for (int i = 0; i < images; i++) {
                    String imageId = hospital.substring(hospital.length() - 8) + "-" + caseId + "-" + i;
                    boolean assessable = random.nextInt(12) != 0;
                    predict(imageId, caseId, version, arrived.plus(Duration.ofSeconds(i)), truth, assessable, random);
                    if (version.equals("1.0") && c % 5 == 0 && i == 0) {
                        predict(imageId, caseId, "2.0", end.minus(Duration.ofDays(3)).plus(Duration.ofMinutes(c)), truth, true, random);
                    }
                }
                if (c % 7 != 3) {
                    String bethesda = switch (truth) {
                        case 0 -> "II";
                        case 2 -> "VI";
                        default -> List.of("I", "III", "IV", "V").get(c % 4);
                    };
                    // Some cytopathologists disagree with the model, and one case in nine is corrected later.
                    if (random.nextInt(5) == 0) {
                        bethesda = List.of("II", "V", "VI").get(random.nextInt(3));
                    }
                    diagnose(caseId, 1, bethesda, arrived.plus(Duration.ofDays(2)));
                    if (c % 9 == 4) {
                        diagnose(caseId, 2, List.of("II", "IV", "VI").get(random.nextInt(3)), arrived.plus(Duration.ofDays(4)));
                    }
                }
            }
        });
    }

    @Test
    void confirmedCasesReadByKeyAreTheRowsTheViewsGaveForEveryKindOfFilter() {
        List<CaseFilter> filters = List.of(
                new CaseFilter(end.minus(Duration.ofDays(60)), end.minus(Duration.ofDays(30)), Set.of(hospital), null, null),
                new CaseFilter(end.minus(Duration.ofDays(100)), end, Set.of(hospital), model, "1.0"),
                new CaseFilter(end.minus(Duration.ofDays(30)), end, Set.of(hospital), model, "2.0"),
                new CaseFilter(null, null, Set.of(hospital), null, null),
                new CaseFilter(null, null, null, model, "2.0"),
                new CaseFilter(end.minus(Duration.ofDays(10)), end, Set.of(hospital, "hospital-nobody"), model, null),
                new CaseFilter(null, null, Set.of(), model, null));
        int nonEmpty = 0;
        for (CaseFilter filter : filters) {
            List<ConfirmedCase> before = QuarkusTransaction.requiringNew().call(() -> viewRows(filter));
            List<ConfirmedCase> now = QuarkusTransaction.requiringNew().call(() -> confirmed.matching(filter));
            assertThat(now).as("cases of %s", filter).hasSize(before.size());
            for (int i = 0; i < before.size(); i++) {
                ConfirmedCase b = before.get(i);
                ConfirmedCase n = now.get(i);
                assertThat(n.caseId()).isEqualTo(b.caseId());
                assertThat(n.modelVersion()).isEqualTo(b.modelVersion());
                assertThat(n.predictedAt()).isEqualTo(b.predictedAt());
                assertThat(n.diagnosis()).isEqualTo(b.diagnosis());
                assertThat(n.diagnosisVersion()).isEqualTo(b.diagnosisVersion());
                assertThat(n.scored().flaggedForReview()).isEqualTo(b.scored().flaggedForReview());
                for (int k = 0; k < 3; k++) {
                    assertThat(n.scored().probabilities()[k]).isCloseTo(b.scored().probabilities()[k], within(TOLERANCE));
                }
            }
            nonEmpty += before.isEmpty() ? 0 : 1;
            int[][] confusion = QuarkusTransaction.requiringNew().call(() -> confirmed.confusion(filter));
            int[][] counted = new int[3][3];
            before.forEach(c -> counted[c.scored().truth().ordinal()][c.scored().predicted().ordinal()]++);
            assertThat(confusion).as("confusion of %s", filter).isDeepEqualTo(counted);
        }
        assertThat(nonEmpty).as("filters that find cases").isGreaterThanOrEqualTo(5);
    }

    @Test
    void driftCountedByTheDatabaseGivesTheFiguresOfTheRowByRowComputation() {
        LiveModel live = QuarkusTransaction.requiringNew().call(() -> liveModels.all().stream()
                .filter(m -> m.name().equals(model)).findFirst().orElseThrow());
        assertThat(live.version()).isEqualTo("2.0");
        Instant firstOfVersion = QuarkusTransaction.requiringNew().call(() -> ConfirmedCases.toInstant(entityManager.createNativeQuery(
                "select min(predicted_at) from predictions where model_name = ?1 and model_version = '2.0'").setParameter(1, model)
                .getSingleResult()));
        assertThat(live.liveSince()).isEqualTo(firstOfVersion);
        for (Instant to : List.of(end, end.minus(Duration.ofDays(7)), end.minus(Duration.ofDays(40)))) {
            DriftReport now = QuarkusTransaction.requiringNew().call(() -> drift.assess(live, to));
            Instant from = now.windowFrom();
            List<double[]> recent = QuarkusTransaction.requiringNew().call(() -> windowRows(live, from, to));
            DriftReference reference = QuarkusTransaction.requiringNew().call(() -> cards.referenceOf(model, "2.0"));
            double[] mix = new double[3];
            double[] confidence = new double[reference.confidenceShares().length];
            for (double[] p : recent) {
                int predicted = ScoredCase.mostProbable(p).ordinal();
                mix[predicted] += 1.0 / recent.size();
                confidence[reference.confidenceBin(p[predicted])] += 1.0 / recent.size();
            }
            List<ConfirmedCase> cases = QuarkusTransaction.requiringNew().call(() -> viewRows(new CaseFilter(from, to, null, model, "2.0")));

            assertThat(now.predictions()).as("predictions in the window to %s", to).isEqualTo(recent.size());
            assertThat(now.confirmedCases()).isEqualTo(cases.size());
            if (!recent.isEmpty()) {
                assertThat(now.predictedMix()).containsExactly(mix, within(TOLERANCE));
                assertThat(now.confidenceShares()).containsExactly(confidence, within(TOLERANCE));
            }
            if (now.macroF1() != null) {
                assertThat(now.macroF1()).isCloseTo(ClinicalMetrics.of(cases.stream().map(ConfirmedCase::scored).toList()).macroF1(),
                        within(TOLERANCE));
            }
        }
        DriftReport latest = QuarkusTransaction.requiringNew().call(() -> drift.assess(live, end));
        assertThat(latest.predictions()).as("the last window has predictions to compare").isGreaterThan(50);
        assertThat(latest.confidenceShares()).as("the card's bins are used").hasSize(SHARES.length);
    }

    @Test
    void liveModelsFoundThroughTheIndexAreThoseTheGroupingOfEveryPredictionFound() {
        List<LiveModel> now = QuarkusTransaction.requiringNew().call(() -> liveModels.all());
        @SuppressWarnings("unchecked")
        // The old grouping, but with the sha256 of each version's first prediction, as LiveModels reads it:
        // in the product a version has one digest (the release path verifies it), while other tests'
        // records in this database reuse a version's name with other digests.
        List<Object[]> before = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select v.model_name, v.model_version, v.model_sha256, v.first_at
                from (select model_name, model_version, (array_agg(model_sha256 order by predicted_at, model_sha256))[1] as model_sha256,
                             min(predicted_at) as first_at,
                             max(predicted_at) as last_at
                      from predictions group by model_name, model_version) v
                where v.last_at = (select max(p.predicted_at) from predictions p where p.model_name = v.model_name)
                order by v.model_name""", Object[].class).getResultList());
        assertThat(now).hasSize(before.size());
        for (int i = 0; i < before.size(); i++) {
            assertThat(now.get(i).name()).isEqualTo(before.get(i)[0]);
            assertThat(now.get(i).version()).isEqualTo(before.get(i)[1]);
            assertThat(now.get(i).sha256()).isEqualTo(before.get(i)[2]);
            assertThat(now.get(i).liveSince()).isEqualTo(ConfirmedCases.toInstant(before.get(i)[3]));
        }
        assertThat(now).extracting(LiveModel::name).contains(model);
    }

    private void predict(String imageId, String caseId, String version, Instant at, int truth, boolean assessable, SplittableRandom random) {
        double top = 0.34 + 0.66 * random.nextDouble();
        int group = random.nextInt(4) == 0 ? random.nextInt(3) : truth;
        double other = random.nextDouble();
        double[] p = new double[3];
        p[group] = top;
        p[(group + 1) % 3] = (1 - top) * other;
        p[(group + 2) % 3] = (1 - top) * (1 - other);
        // Now and then a tie, which the first of equals decides.
        if (random.nextInt(20) == 0) {
            p = new double[] {0.4, 0.4, 0.2};
        }
        entityManager.createNativeQuery("""
                insert into predictions (event_id, image_id, case_id, hospital_id, model_name, model_version, model_sha256, predicted_group,
                    p_benign, p_indeterminate, p_malignant, temperature, flagged_for_review, inference_ms, predicted_at, assessable)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1.0, ?12, 10, ?13, ?14)""")
                .setParameter(1, UUID.randomUUID().toString()).setParameter(2, imageId).setParameter(3, caseId)
                .setParameter(4, hospital).setParameter(5, model).setParameter(6, version)
                .setParameter(7, (version.equals("1.0") ? "a" : "b").repeat(64))
                .setParameter(8, assessable ? TreatmentGroup.values()[ScoredCase.mostProbable(p).ordinal()].name() : null)
                .setParameter(9, p[0]).setParameter(10, p[1]).setParameter(11, p[2]).setParameter(12, !assessable || top < 0.6)
                .setParameter(13, at).setParameter(14, assessable).executeUpdate();
    }

    private void diagnose(String caseId, int version, String bethesda, Instant at) {
        entityManager.createNativeQuery("""
                insert into diagnoses (event_id, case_id, hospital_id, version, bethesda, treatment_group, recorded_by, diagnosed_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, 'test', ?7)""")
                .setParameter(1, UUID.randomUUID().toString()).setParameter(2, caseId).setParameter(3, hospital).setParameter(4, version)
                .setParameter(5, bethesda).setParameter(6, BethesdaCategory.valueOf(bethesda).group().name()).setParameter(7, at)
                .executeUpdate();
    }

    private String card() {
        return """
                {"name": "%s", "version": "2.0", "metrics": {"siteA": {"cases": 800, "macroF1": 0.8, "predictionDistribution": {
                  "predictedMix": {"BENIGN": 0.34, "INDETERMINATE": 0.33, "MALIGNANT": 0.33},
                  "confidenceEdges": %s, "confidenceShares": %s}}}}""".formatted(model, java.util.Arrays.toString(EDGES),
                java.util.Arrays.toString(SHARES));
    }

    private List<ConfirmedCase> viewRows(CaseFilter filter) {
        Map<String, Object> parameters = new HashMap<>();
        Query query = entityManager.createNativeQuery(VIEWS + " where " + filter.where("p", parameters) + " order by p.hospital_id, p.case_id",
                Object[].class);
        parameters.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<ConfirmedCase> cases = new ArrayList<>();
        for (Object[] row : rows) {
            cases.add(new ConfirmedCase((String) row[0], (String) row[1], (String) row[2], (String) row[3], ConfirmedCases.toInstant(row[4]),
                    new ScoredCase(BethesdaCategory.valueOf((String) row[9]), new double[] {((Number) row[5]).doubleValue(),
                        ((Number) row[6]).doubleValue(), ((Number) row[7]).doubleValue()}, (Boolean) row[8]), ((Number) row[10]).intValue()));
        }
        return cases;
    }

    private List<double[]> windowRows(LiveModel live, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select p_benign, p_indeterminate, p_malignant from predictions
                where model_name = ?1 and model_version = ?2 and predicted_at >= ?3 and predicted_at < ?4
                  and assessable is not false""", Object[].class)
                .setParameter(1, live.name()).setParameter(2, live.version()).setParameter(3, from).setParameter(4, to).getResultList();
        return rows.stream().map(row -> new double[] {((Number) row[0]).doubleValue(), ((Number) row[1]).doubleValue(),
            ((Number) row[2]).doubleValue()}).toList();
    }
}
