package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

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
    void aWrongPasswordGetsNoToken() {
        assertThatThrownBy(() -> logins.signIn("cyto.demo", "not-the-password".toCharArray()))
                .hasMessageContaining("did not sign cyto.demo in");
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
