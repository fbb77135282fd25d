package org.cytotriage.audit.model;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.metrics.ConfirmedCases;

/**
 * Which version of each model is live, read from the predictions themselves: the version that
 * made a model's latest prediction, live since that version's first. No one has to tell the audit
 * that a swap happened.
 */
@ApplicationScoped
public class LiveModels {

    private final EntityManager entityManager;

    LiveModels(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public List<LiveModel> all() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select v.model_name, v.model_version, v.model_sha256, v.first_at
                from (select model_name, model_version, min(model_sha256) as model_sha256, min(predicted_at) as first_at,
                             max(predicted_at) as last_at
                      from predictions group by model_name, model_version) v
                where v.last_at = (select max(p.predicted_at) from predictions p where p.model_name = v.model_name)
                order by v.model_name""", Object[].class).getResultList();
        return rows.stream().map(row -> new LiveModel((String) row[0], (String) row[1], (String) row[2],
                ConfirmedCases.toInstant(row[3]))).toList();
    }
}
