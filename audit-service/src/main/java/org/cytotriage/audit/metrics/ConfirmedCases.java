package org.cytotriage.audit.metrics;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.cytotriage.core.bethesda.BethesdaCategory;

/** Reads confirmed cases: the {@code case_predictions} and {@code latest_diagnoses} views joined. */
@ApplicationScoped
public class ConfirmedCases {

    private static final String SELECT = """
            select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
                   p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
            from case_predictions p join latest_diagnoses d on d.hospital_id = p.hospital_id and d.case_id = p.case_id
            """;

    /** Each candidate case's prediction and latest diagnosis, read by its key: case_predictions and latest_diagnoses for one case. */
    private static final String BY_KEY = """
            select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
                   p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
            from candidates k
            cross join lateral (
                select q.case_id, q.hospital_id, q.model_name, q.model_version, min(q.predicted_at) as predicted_at,
                       avg(q.p_benign) as p_benign, avg(q.p_indeterminate) as p_indeterminate, avg(q.p_malignant) as p_malignant,
                       bool_or(q.flagged_for_review) as flagged_for_review
                from predictions q
                where q.hospital_id = k.hospital_id and q.case_id = k.case_id and q.assessable is not false
                group by q.case_id, q.hospital_id, q.model_name, q.model_version
                order by min(q.predicted_at) limit 1) p
            cross join lateral (
                select l.bethesda, l.version from diagnoses l
                where l.hospital_id = k.hospital_id and l.case_id = k.case_id
                order by l.version desc limit 1) d
            """;

    /**
     * The same rows as {@link #SELECT} for the cases a filter covers, without computing every case's
     * prediction first: the views' DISTINCT ON takes no condition on predicted_at, model or version
     * inside, so through them a month of one hospital read all ten million predictions. Here the cases
     * are first those with an assessable prediction matching the filter (by index: a case's prediction
     * is the mean of its first version's predictions, so a case the filter keeps has one), then each
     * such case's prediction and latest diagnosis are read by its key, then the filter is applied to
     * that prediction as before.
     */
    private static final String FILTERED = """
            with candidates as materialized (
                select distinct c.hospital_id, c.case_id from predictions c where c.assessable is not false and %s
            )
            """ + BY_KEY + " where %s";

    private final EntityManager entityManager;

    ConfirmedCases(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Ordered by hospital and case id, so a seeded draw over them is reproducible. */
    public List<ConfirmedCase> matching(CaseFilter filter) {
        Map<String, Object> parameters = new HashMap<>();
        String condition = filter.where("p", parameters);
        if (condition.equals("true")) {
            return run(SELECT + " order by p.hospital_id, p.case_id", parameters);
        }
        return run(FILTERED.formatted(filter.where("c", new HashMap<>()), condition) + " order by p.hospital_id, p.case_id", parameters);
    }

    /**
     * The confusion matrix of the confirmed cases a filter covers (rows the latest diagnosis' group,
     * columns the predicted group, the first of equals as {@link ScoredCase#mostProbable}), counted
     * by the database: what drift's macro-F1 needs, without a row per case.
     */
    public int[][] confusion(CaseFilter filter) {
        return confusionByBucket(filter, Instant.EPOCH, 1, 1)[0];
    }

    /**
     * The confusion matrices of the cases a filter covers, one per time bucket counted back from
     * {@code end}: bucket b holds the cases predicted in [end - (b + 1) unit, end - b unit), by the
     * case's predicted_at; {@code buckets} 1 with any unit counts them all in one. Windows of drift
     * history that are whole buckets are sums of these, exactly.
     */
    public int[][][] confusionByBucket(CaseFilter filter, Instant end, long unitSeconds, int buckets) {
        Map<String, Object> parameters = new HashMap<>();
        String condition = filter.where("p", parameters);
        String cases = condition.equals("true") ? SELECT : FILTERED.formatted(filter.where("c", new HashMap<>()), condition);
        String bucket = buckets == 1 ? "0" : "ceil(extract(epoch from (cast(:bucketEnd as timestamptz) - f.predicted_at)) / " + unitSeconds + ")::int - 1";
        Query query = entityManager.createNativeQuery("select " + bucket + """
                as bucket,
                       case f.bethesda when 'II' then 0 when 'VI' then 2 else 1 end as truth,
                       case when f.p_benign >= f.p_indeterminate and f.p_benign >= f.p_malignant then 0
                            when f.p_indeterminate >= f.p_malignant then 1 else 2 end as predicted,
                       count(*)
                from (""" + cases + ") f group by 1, 2, 3", Object[].class);
        parameters.forEach(query::setParameter);
        if (buckets != 1) {
            query.setParameter("bucketEnd", end);
        }
        int[][][] confusion = new int[buckets][3][3];
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        for (Object[] row : rows) {
            int b = ((Number) row[0]).intValue();
            if (b >= 0 && b < buckets) {
                confusion[b][((Number) row[1]).intValue()][((Number) row[2]).intValue()] += ((Number) row[3]).intValue();
            }
        }
        return confusion;
    }

    /** The cases of a sample, in the sample's order. */
    public List<ConfirmedCase> inSample(long sampleId) {
        // By key, as FILTERED: through the views a sample of 50 cases computed every case's prediction.
        return run("with candidates as materialized (select s.hospital_id, s.case_id, s.position from audit_sample_cases s where s.sample_id = :sample) "
                + BY_KEY + " order by k.position", Map.of("sample", sampleId));
    }

    /** Confirmed cases whose latest diagnosis was recorded after {@code since} (all when null), for a training manifest. */
    public List<ConfirmedCase> diagnosedSince(Instant since) {
        return since == null ? run(SELECT + " order by p.hospital_id, p.case_id", Map.of())
                : run(SELECT + " where d.recorded_at > :since order by p.hospital_id, p.case_id", Map.of("since", since));
    }

    private List<ConfirmedCase> run(String sql, Map<String, Object> parameters) {
        Query query = entityManager.createNativeQuery(sql, Object[].class);
        parameters.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(ConfirmedCases::toCase).toList();
    }

    private static ConfirmedCase toCase(Object[] row) {
        double[] probabilities = {((Number) row[5]).doubleValue(), ((Number) row[6]).doubleValue(), ((Number) row[7]).doubleValue()};
        ScoredCase scored = new ScoredCase(BethesdaCategory.valueOf((String) row[9]), probabilities, (Boolean) row[8]);
        return new ConfirmedCase((String) row[0], (String) row[1], (String) row[2], (String) row[3], toInstant(row[4]), scored,
                ((Number) row[10]).intValue());
    }

    public static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }
}
