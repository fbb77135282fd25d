package org.cytotriage.audit.paging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cytotriage.support.identity.HospitalScope;

/** A listing's optional filters as a Panache query: a filter whose value is null is left out. */
public final class Filters {

    private final List<String> clauses = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    public static Filters where() {
        return new Filters();
    }

    public Filters equal(String field, Object value) {
        return add(field + " = :" + field, field, value);
    }

    /** {@code field >= value} */
    public Filters atOrAfter(String field, Object value) {
        return add(field + " >= :" + field + "From", field + "From", value);
    }

    /** {@code field < value} */
    public Filters before(String field, Object value) {
        return add(field + " < :" + field + "To", field + "To", value);
    }

    /** {@code field in (the scope's hospitals)}, nothing for a scope of every hospital; an empty scope matches nothing. */
    public Filters within(String field, HospitalScope scope) {
        if (scope.isEvery()) {
            return this;
        }
        if (scope.hospitals().isEmpty()) {
            clauses.add("1 = 0");
            return this;
        }
        return add(field + " in (:" + field + "In)", field + "In", scope.hospitals());
    }

    public String orderedBy(String order) {
        return (clauses.isEmpty() ? "" : String.join(" and ", clauses) + " ") + "order by " + order;
    }

    public Map<String, Object> parameters() {
        return parameters;
    }

    private Filters add(String clause, String name, Object value) {
        if (value != null) {
            clauses.add(clause);
            parameters.put(name, value);
        }
        return this;
    }
}
