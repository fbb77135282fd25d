package org.cytotriage.support.identity;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.RequestScoped;

import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, as the token the realm issued says: the subject, the name to record, the roles and
 * the hospitals ({@code hospitals} claim, from the account's {@code hospital} attribute). Tenancy
 * comes from here and never from the request: a request may name a hospital only to choose among
 * the caller's own.
 */
@RequestScoped
public class Caller {

    /** The claim the realm's mappers write the account's hospitals to. */
    public static final String HOSPITALS_CLAIM = "hospitals";

    private final SecurityIdentity identity;

    Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The account's stable id at the identity provider ({@code sub}). */
    public String subject() {
        return token().getSubject();
    }

    /** The account's login name ({@code preferred_username}), what records name the actor by. */
    public String username() {
        String username = token().getClaim("preferred_username");
        return username != null ? username : subject();
    }

    /** The person's name where the account has one, else its login name. */
    public String displayName() {
        String name = token().getClaim("name");
        return name != null && !name.isBlank() ? name : username();
    }

    /** The caller as records name who did something: from the token, never from a request's body. */
    public Actor actor() {
        return new Actor(subject(), username(), displayName());
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    public Set<String> roles() {
        return new TreeSet<>(identity.getRoles());
    }

    /** The hospitals whose records the caller may see and act on; none for an account without one. */
    public Set<String> hospitals() {
        Object claim = token().getClaim(HOSPITALS_CLAIM);
        Set<String> hospitals = new TreeSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> hospitals.add(unquoted(String.valueOf(value))));
        } else if (claim != null) {
            hospitals.add(unquoted(String.valueOf(claim)));
        }
        return hospitals;
    }

    /** Whether the caller may see this hospital's records. */
    public boolean sees(String hospital) {
        return hospital != null && hospitals().contains(hospital);
    }

    /**
     * The hospital an action is for: the one the request names if it is the caller's (another is
     * refused, 403), or the caller's only hospital when the request names none.
     */
    public String hospitalFor(String named) {
        Set<String> own = hospitals();
        if (named != null && !named.isBlank()) {
            if (!own.contains(named)) {
                throw new ProblemException(403, "foreign-hospital", "Not your hospital",
                        "this account acts for " + (own.isEmpty() ? "no hospital" : String.join(", ", own)) + ", not for '" + named + "'");
            }
            return named;
        }
        if (own.size() == 1) {
            return own.iterator().next();
        }
        throw new ProblemException(own.isEmpty() ? 403 : ProblemException.UNPROCESSABLE, own.isEmpty() ? "no-hospital" : "hospital-required",
                own.isEmpty() ? "No hospital" : "Which hospital", own.isEmpty() ? "this account belongs to no hospital"
                        : "this account acts for " + String.join(", ", own) + ": name the hospital (hospitalId)");
    }

    /**
     * What a read sees: with one of {@code acrossHospitals}' roles every hospital, or the one named;
     * otherwise the caller's own hospitals, or the one named of them (another is refused, 403).
     */
    public HospitalScope scope(String named, String... acrossHospitals) {
        for (String role : acrossHospitals) {
            if (hasRole(role)) {
                return named == null || named.isBlank() ? HospitalScope.every() : HospitalScope.of(Set.of(named));
            }
        }
        if (named == null || named.isBlank()) {
            return HospitalScope.of(hospitals());
        }
        return HospitalScope.of(Set.of(hospitalFor(named)));
    }

    private JsonWebToken token() {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw new IllegalStateException("no authenticated caller: the endpoint lacks its @RolesAllowed");
        }
        return token;
    }

    /** JSON string values arrive quoted from some token parsers. */
    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
