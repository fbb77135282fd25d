package org.cytotriage.audit;

import static io.restassured.RestAssured.given;

import java.util.Set;

import org.cytotriage.infra.Tokens;
import org.cytotriage.support.identity.Roles;

import io.restassured.specification.RequestSpecification;

/**
 * Requests as a person of the test realm with one role at some hospitals, carrying the token they
 * got by signing in to the running Keycloak (test-infra's {@link Tokens}).
 */
public final class As {

    private As() {
    }

    public static RequestSpecification cytopathologist(String... hospitals) {
        return with(Tokens.of(Roles.CYTOPATHOLOGIST, hospitals));
    }

    public static RequestSpecification auditor(String... hospitals) {
        return with(Tokens.of(Roles.AUDITOR, hospitals));
    }

    public static RequestSpecification scanner(String hospital) {
        return with(Tokens.of(Roles.SCANNER, hospital));
    }

    /** Across hospitals, no patient images. */
    public static RequestSpecification mlEngineer() {
        return with(Tokens.of(Roles.ML_ENGINEER));
    }

    /** Operations, every hospital. */
    public static RequestSpecification admin() {
        return with(Tokens.of(Roles.ADMIN));
    }

    /** A cytopathologist lead as the realm's role says (cytopathologist-lead): approves releases clinically, nothing else. */
    public static RequestSpecification clinicalLead(String... hospitals) {
        return with(Tokens.of(Roles.CYTOPATHOLOGIST_LEAD, hospitals));
    }

    /** A person holding all these roles, one account. */
    public static RequestSpecification withRoles(Set<String> roles, String... hospitals) {
        return with(Tokens.of(roles, hospitals));
    }

    /** A cytopathologist lead who also audits: both roles, one account. */
    public static RequestSpecification lead(String... hospitals) {
        return with(Tokens.of(Set.of(Roles.CYTOPATHOLOGIST, Roles.AUDITOR), hospitals));
    }

    private static RequestSpecification with(String token) {
        return given().auth().oauth2(token);
    }
}
