package org.cytotriage.audit.metrics;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

/**
 * How many predicted images the model did not assess, counted apart from the clinical figures
 * (which never include them): a rising share is a shift in what the hospital sends, seen before any
 * diagnosis. Images predicted before the gate existed count as neither.
 */
@ApplicationScoped
public class AssessedImages {

    /**
     * @param images images with a verdict in the filter's period and scope
     * @param notAssessable of those, the ones the model did not assess
     * @param shareNotAssessable notAssessable / images; null when there were none
     */
    public record Counts(long images, long notAssessable, Double shareNotAssessable) {
    }

    private final EntityManager entityManager;

    AssessedImages(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public Counts matching(CaseFilter filter) {
        Map<String, Object> parameters = new HashMap<>();
        Query query = entityManager.createNativeQuery("""
                select count(distinct p.image_id), count(distinct p.image_id) filter (where p.assessable = false)
                from predictions p where p.assessable is not null and """ + " " + filter.where("p", parameters), Object[].class);
        parameters.forEach(query::setParameter);
        Object[] row = (Object[]) query.getSingleResult();
        long images = ((Number) row[0]).longValue();
        long notAssessable = ((Number) row[1]).longValue();
        return new Counts(images, notAssessable, images == 0 ? null : (double) notAssessable / images);
    }
}
