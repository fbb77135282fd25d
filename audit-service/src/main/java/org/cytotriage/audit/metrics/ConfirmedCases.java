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

    private final EntityManager entityManager;

    ConfirmedCases(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Ordered by hospital and case id, so a seeded draw over them is reproducible. */
    public List<ConfirmedCase> matching(CaseFilter filter) {
        Map<String, Object> parameters = new HashMap<>();
        return run(SELECT + " where " + filter.where("p", parameters) + " order by p.hospital_id, p.case_id", parameters);
    }

    /** The cases of a sample, in the sample's order. */
    public List<ConfirmedCase> inSample(long sampleId) {
        return run(SELECT + " join audit_sample_cases s on s.hospital_id = p.hospital_id and s.case_id = p.case_id where s.sample_id = :sample order by s.position",
                Map.of("sample", sampleId));
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
