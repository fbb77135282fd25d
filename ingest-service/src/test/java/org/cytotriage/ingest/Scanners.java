package org.cytotriage.ingest;

import static io.restassured.RestAssured.given;

import org.cytotriage.infra.Tokens;
import org.cytotriage.support.identity.Roles;

import io.restassured.specification.RequestSpecification;

/** Requests as a scanner of one hospital, with a token its Keycloak account got by signing in. */
public final class Scanners {

    private Scanners() {
    }

    public static RequestSpecification of(String hospital) {
        return given().auth().oauth2(Tokens.of(Roles.SCANNER, hospital));
    }
}
