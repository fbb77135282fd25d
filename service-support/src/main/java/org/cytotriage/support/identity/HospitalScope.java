package org.cytotriage.support.identity;

import java.util.Set;
import java.util.TreeSet;

/**
 * The hospitals a request sees: every hospital (a role whose work crosses hospitals, such as
 * operations), or a set, never chosen by the request beyond narrowing the caller's own.
 */
public final class HospitalScope {

    private static final HospitalScope EVERY = new HospitalScope(null);

    private final Set<String> hospitals;

    private HospitalScope(Set<String> hospitals) {
        this.hospitals = hospitals == null ? null : Set.copyOf(new TreeSet<>(hospitals));
    }

    public static HospitalScope every() {
        return EVERY;
    }

    public static HospitalScope of(Set<String> hospitals) {
        return new HospitalScope(hospitals);
    }

    public boolean isEvery() {
        return hospitals == null;
    }

    /** The hospitals of a restricted scope (possibly none); ask {@link #isEvery()} first. */
    public Set<String> hospitals() {
        if (hospitals == null) {
            throw new IllegalStateException("a scope of every hospital lists none");
        }
        return hospitals;
    }

    public boolean includes(String hospital) {
        return hospitals == null || hospital != null && hospitals.contains(hospital);
    }

    @Override
    public String toString() {
        return hospitals == null ? "every hospital" : String.join(", ", hospitals);
    }
}
