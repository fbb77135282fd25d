package org.cytotriage.infra;

import java.util.List;
import java.util.Set;

/**
 * Tokens of the shared test servers' Keycloak (started on first use), for tests to send as
 * {@code Authorization: Bearer}: every one issued by the provider after a real sign-in.
 */
public final class Tokens {

    private static Logins logins;

    private Tokens() {
    }

    /** A person with one role at the given hospitals (none: an account of no hospital, as ml-engineer and admin are). */
    public static String of(String role, String... hospitals) {
        return logins().person(Set.of(role), List.of(hospitals));
    }

    /** A person with several roles at the given hospitals (a cytopathologist lead who also audits). */
    public static String of(Set<String> roles, String... hospitals) {
        return logins().person(roles, List.of(hospitals));
    }

    /** Such a person's token, issued by the provider and already expired. */
    public static String expired(String role, String... hospitals) {
        return logins().expired(Set.of(role), List.of(hospitals));
    }

    /** The login name of the person {@link #of(String, String...)} signs in: what records name them by. */
    public static String username(String role, String... hospitals) {
        return Accounts.username(Set.of(role), List.of(hospitals));
    }

    /** A demo user of identity/keycloak/demo-accounts.json. */
    public static String demoUser(String username) {
        return logins().user(username);
    }

    /** A demo hospital's scanner client (client credentials). */
    public static String scanner(String hospital) {
        return logins().scanner(hospital);
    }

    public static synchronized Logins logins() {
        if (logins == null) {
            logins = new Logins(RealInfrastructure.shared().identity());
        }
        return logins;
    }
}
