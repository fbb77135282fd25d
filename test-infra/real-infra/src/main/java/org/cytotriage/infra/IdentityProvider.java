package org.cytotriage.infra;

/**
 * The OpenID Connect provider the services trust: Keycloak with the project's realm
 * (identity/keycloak) and its demo accounts. Tokens come from it through {@link Logins}.
 */
public interface IdentityProvider {

    /** The realm every account and client lives in. */
    String REALM = "cytotriage";
    /** The confidential client of the workstation pages (authorization code flow with PKCE). */
    String WORKSTATION_CLIENT = "cytotriage-workstation";

    /** The realm's issuer, what a service's {@code quarkus.oidc.auth-server-url} names. */
    String issuer();

    /** Where the server answers (the issuer without its realm). */
    String baseUrl();

    /** The administrator the server was started with, for the admin API (test accounts, {@link Logins#person}). */
    String adminUsername();

    String adminPassword();

    /** The secret of a confidential client of the realm (the workstation's, a scanner's). */
    String clientSecret(String clientId);

    /** The password of every demo user of this run (made up when the provider starts). */
    String demoPassword();

    void start();

    void stop();
}
