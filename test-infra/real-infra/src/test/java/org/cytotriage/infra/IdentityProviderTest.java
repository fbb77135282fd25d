package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Keycloak started from the project's realm issues the tokens the services will check, and refuses a wrong password. */
class IdentityProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final IdentityProvider keycloak = RealInfrastructure.shared().identity();
    private final Logins logins = new Logins(keycloak);

    @Test
    void aCytopathologistSignsInOnTheLoginPageAndHerTokenNamesHerRoleHospitalAndTheServices() throws Exception {
        String token = logins.user("cyto.demo");

        JsonNode claims = claims(token);
        assertThat(claims.get("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(claims.get("preferred_username").asText()).isEqualTo("cyto.demo");
        assertThat(claims.get("name").asText()).isEqualTo("Dana Demo");
        assertThat(JSON.convertValue(claims.at("/realm_access/roles"), String[].class)).containsExactly("cytopathologist");
        assertThat(JSON.convertValue(claims.get("hospitals"), String[].class)).containsExactly("demo-hospital");
        assertThat(JSON.convertValue(claims.get("aud"), String[].class)).contains("audit-service", "ingest-service", "explain-service");
        // Keycloak itself takes it as a valid token of that user.
        HttpResponse<String> userinfo = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(keycloak.issuer() + "/protocol/openid-connect/userinfo")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(userinfo.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(userinfo.body()).get("preferred_username").asText()).isEqualTo("cyto.demo");
    }

    @Test
    void aScannersTokenCarriesItsHospitalAndTheScannerRoleOnly() throws Exception {
        JsonNode claims = claims(logins.scanner("hospital-b"));

        assertThat(JSON.convertValue(claims.at("/realm_access/roles"), String[].class)).containsExactly("scanner");
        assertThat(JSON.convertValue(claims.get("hospitals"), String[].class)).containsExactly("hospital-b");
        assertThat(JSON.convertValue(claims.get("aud"), String[].class)).containsExactlyInAnyOrder("ingest-service", "audit-service");
    }

    @Test
    void aPersonAddedThroughTheAdminApiSignsInWithExactlyTheirRolesAndHospitals() throws Exception {
        JsonNode claims = claims(logins.person(List.of("auditor", "cytopathologist"), List.of("hospital-x", "hospital-y")));

        assertThat(claims.get("preferred_username").asText()).isEqualTo("t.auditor.cytopathologist@hospital-x+hospital-y");
        // Of the product's roles exactly these (Keycloak adds its own default roles, which no service reads).
        assertThat(JSON.convertValue(claims.at("/realm_access/roles"), String[].class))
                .filteredOn(role -> List.of("scanner", "cytopathologist", "cytopathologist-lead", "auditor", "ml-engineer", "admin", "monitoring")
                        .contains(role))
                .containsExactlyInAnyOrder("auditor", "cytopathologist");
        assertThat(JSON.convertValue(claims.get("hospitals"), String[].class)).containsExactlyInAnyOrder("hospital-x", "hospital-y");
    }

    @Test
    void anExpiredTokenIsOneKeycloakIssuedAndNoLongerTakes() throws Exception {
        String expired = logins.expired(List.of("cytopathologist"), List.of("hospital-x"));

        assertThat(claims(expired).get("exp").asLong()).isLessThan(Instant.now().getEpochSecond());
        HttpResponse<String> userinfo = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(keycloak.issuer() + "/protocol/openid-connect/userinfo")).header("Authorization", "Bearer " + expired).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(userinfo.statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordGetsNoToken() {
        assertThatThrownBy(() -> logins.signIn("cyto.demo", "not-the-password".toCharArray()))
                .hasMessageContaining("did not sign cyto.demo in");
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
