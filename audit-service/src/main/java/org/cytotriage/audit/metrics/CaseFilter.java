package org.cytotriage.audit.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cases an audit query covers: predicted in [from, to), at a hospital, by a model name and
 * version; every part optional.
 */
public record CaseFilter(Instant from, Instant to, String hospitalId, String modelName, String modelVersion) {

    public static CaseFilter all() {
        return new CaseFilter(null, null, null, null, null);
    }

    /** The SQL condition on {@code alias}'s case_predictions columns, and its parameters in {@code parameters}. */
    String where(String alias, Map<String, Object> parameters) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put(alias + ".predicted_at >= :from", from);
        conditions.put(alias + ".predicted_at < :to", to);
        conditions.put(alias + ".hospital_id = :hospital", hospitalId);
        conditions.put(alias + ".model_name = :model", modelName);
        conditions.put(alias + ".model_version = :version", modelVersion);
        List<String> clauses = new ArrayList<>();
        conditions.forEach((clause, value) -> {
            if (value != null) {
                clauses.add(clause);
                parameters.put(clause.substring(clause.indexOf(':') + 1), value);
            }
        });
        return clauses.isEmpty() ? "true" : String.join(" and ", clauses);
    }
}
