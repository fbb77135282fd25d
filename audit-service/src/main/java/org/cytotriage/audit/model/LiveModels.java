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
        // The versions on record found by skipping through the index on (model, version, time), one
        // probe each, and each one's first and last prediction read from its ends: grouping all
        // predictions by version read the whole table (ten million rows) on every drift call.
        // The sha256 is the first prediction's (a version has one).
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                with recursive versions as (
                    (select model_name, model_version from predictions order by model_name, model_version limit 1)
                    union all
                    select next.model_name, next.model_version from versions v
                    cross join lateral (select p.model_name, p.model_version from predictions p
                                        where (p.model_name, p.model_version) > (v.model_name, v.model_version)
                                        order by p.model_name, p.model_version limit 1) next
                ),
                spans as (
                    select v.model_name, v.model_version,
                           (select p.model_sha256 from predictions p where p.model_name = v.model_name and p.model_version = v.model_version
                            order by p.predicted_at, p.model_sha256 limit 1) as model_sha256,
                           (select min(p.predicted_at) from predictions p where p.model_name = v.model_name and p.model_version = v.model_version) as first_at,
                           (select max(p.predicted_at) from predictions p where p.model_name = v.model_name and p.model_version = v.model_version) as last_at
                    from versions v
                )
                select s.model_name, s.model_version, s.model_sha256, s.first_at
                from spans s
                where s.last_at = (select max(o.last_at) from spans o where o.model_name = s.model_name)
                order by s.model_name""", Object[].class).getResultList();
        return rows.stream().map(row -> new LiveModel((String) row[0], (String) row[1], (String) row[2],
                ConfirmedCases.toInstant(row[3]))).toList();
    }
}
