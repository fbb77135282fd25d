package org.cytotriage.audit.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cytotriage.support.identity.HospitalScope;

/**
 * Which cases an audit query covers: predicted in [from, to), at some hospitals, by a model name and
 * version; every part optional ({@code hospitals} null: every hospital; empty: none).
 */
public record CaseFilter(Instant from, Instant to, Set<String> hospitals, String modelName, String modelVersion) {

    public static CaseFilter all() {
        return new CaseFilter(null, null, null, null, null);
    }

    public static Set<String> hospitalsOf(HospitalScope scope) {
        return scope.isEvery() ? null : scope.hospitals();
    }

    private static final Pattern PARAMETER = Pattern.compile(":(\\w+)");

    /** The SQL condition on {@code alias}'s case_predictions columns, and its parameters in {@code parameters}. */
    String where(String alias, Map<String, Object> parameters) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put(alias + ".predicted_at >= :from", from);
        conditions.put(alias + ".predicted_at < :to", to);
        conditions.put(alias + ".hospital_id in (:hospitals)", hospitals == null || hospitals.isEmpty() ? null : hospitals);
        conditions.put(alias + ".model_name = :model", modelName);
        conditions.put(alias + ".model_version = :version", modelVersion);
        List<String> clauses = new ArrayList<>();
        conditions.forEach((clause, value) -> {
            if (value != null) {
                clauses.add(clause);
                Matcher parameter = PARAMETER.matcher(clause);
                parameter.find();
                parameters.put(parameter.group(1), value);
            }
        });
        if (hospitals != null && hospitals.isEmpty()) {
            clauses.add("false");
        }
        return clauses.isEmpty() ? "true" : String.join(" and ", clauses);
    }
}
