package org.cytotriage.audit.casefile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.paging.Page;
import org.cytotriage.support.identity.HospitalScope;

/** Reads the {@code worklist} view: recent cases, newest first, with optional filters. */
@ApplicationScoped
public class Worklist {

    /**
     * A case as the worklist shows it; prediction fields are null while it waits for one, and
     * {@code notProcessed} says why it may wait for good: the reason a service gave up on an image.
     * {@code notAssessableImages}: images the model did not assess (a case of only those has no prediction).
     */
    public record Entry(String caseId, String hospitalId, Instant receivedAt, String modelName, String modelVersion,
            String predictedGroup, Double confidence, Boolean flaggedForReview, Instant predictedAt, String diagnosis,
            Integer diagnosisVersion, String notProcessed, int notAssessableImages) {
    }

    /**
     * Every part optional but the hospitals the caller sees; {@code diagnosed} true keeps cases with a
     * final diagnosis, false those without.
     */
    public record Filter(HospitalScope hospitals, String predictedGroup, Boolean flaggedForReview, Boolean diagnosed, Instant from,
            Instant to) {
    }

    private final EntityManager entityManager;

    Worklist(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public Page<Entry> page(Filter filter, int page, int size) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        List<String> clauses = new ArrayList<>();
        if (!filter.hospitals().isEvery()) {
            if (filter.hospitals().hospitals().isEmpty()) {
                clauses.add("false");
            } else {
                condition(clauses, parameters, "hospital_id in (:hospitals)", "hospitals", filter.hospitals().hospitals());
            }
        }
        condition(clauses, parameters, "predicted_group = :group", "group", filter.predictedGroup());
        condition(clauses, parameters, "flagged_for_review = :flagged", "flagged", filter.flaggedForReview());
        condition(clauses, parameters, "received_at >= :from", "from", filter.from());
        condition(clauses, parameters, "received_at < :to", "to", filter.to());
        if (filter.diagnosed() != null) {
            clauses.add(filter.diagnosed() ? "bethesda is not null" : "bethesda is null");
        }
        String where = clauses.isEmpty() ? "" : " where " + String.join(" and ", clauses);
        int bounded = Math.max(1, Math.min(size, Page.MAX_SIZE));
        int index = Math.max(0, page);
        Query rows = entityManager.createNativeQuery("""
                select case_id, hospital_id, received_at, model_name, model_version, predicted_group, confidence,
                       flagged_for_review, predicted_at, bethesda, diagnosis_version, not_processed, not_assessable_images
                from worklist""" + where + " order by received_at desc, hospital_id, case_id limit :limit offset :offset", Object[].class);
        Query count = entityManager.createNativeQuery("select count(*) from worklist" + where, Long.class);
        parameters.forEach((name, value) -> {
            rows.setParameter(name, value);
            count.setParameter(name, value);
        });
        rows.setParameter("limit", bounded).setParameter("offset", index * bounded);
        @SuppressWarnings("unchecked")
        List<Object[]> found = rows.getResultList();
        List<Entry> entries = found.stream().map(row -> new Entry((String) row[0], (String) row[1], instant(row[2]),
                (String) row[3], (String) row[4], (String) row[5], row[6] == null ? null : ((Number) row[6]).doubleValue(),
                (Boolean) row[7], instant(row[8]), (String) row[9], row[10] == null ? null : ((Number) row[10]).intValue(),
                (String) row[11], ((Number) row[12]).intValue())).toList();
        return new Page<>(index, bounded, ((Number) count.getSingleResult()).longValue(), entries);
    }

    private static void condition(List<String> clauses, Map<String, Object> parameters, String clause, String name, Object value) {
        if (value != null) {
            clauses.add(clause);
            parameters.put(name, value);
        }
    }

    private static Instant instant(Object value) {
        return value == null ? null : ConfirmedCases.toInstant(value);
    }
}
