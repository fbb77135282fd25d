package org.cytotriage.infra;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Test accounts made in the running Keycloak through its admin API, as an administrator adds a
 * person (docs/runbook.md): a user with the given realm roles and hospitals, and a client whose
 * tokens expire a second after they are issued. The tests get tokens for them by signing in like
 * everyone else; nothing here issues a token.
 */
final class Accounts {

    /** The client whose access tokens live one second: expired tokens, issued by the provider itself. */
    static final String SHORT_LIVED_CLIENT = "token-expiry-probe";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final IdentityProvider provider;
    private final String shortLivedSecret;
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    Accounts(IdentityProvider provider, String shortLivedSecret) {
        this.provider = provider;
        this.shortLivedSecret = shortLivedSecret;
    }

    String shortLivedSecret() {
        return shortLivedSecret;
    }

    /** The username of a person holding exactly these roles at these hospitals, added on first use. */
    synchronized String person(Collection<String> roles, Collection<String> hospitals) {
        Set<String> sortedRoles = new TreeSet<>(roles);
        Set<String> sortedHospitals = new TreeSet<>(hospitals);
        String username = username(roles, hospitals);
        if (made.contains(username)) {
            return username;
        }
        String admin = adminToken();
        ObjectNode user = JSON.createObjectNode().put("username", username).put("enabled", true).put("emailVerified", true)
                .put("firstName", "Test").put("lastName", String.join(" ", sortedRoles))
                .put("email", "t-" + java.util.UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8)) + "@test.example");
        ArrayNode hospitalValues = user.putObject("attributes").putArray("hospital");
        sortedHospitals.forEach(hospitalValues::add);
        user.putArray("credentials").addObject().put("type", "password").put("value", provider.demoPassword()).put("temporary", false);
        HttpResponse<String> created = admin(admin, "POST", "/users", user);
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("Keycloak did not add user " + username + ": HTTP " + created.statusCode() + " " + created.body());
        }
        String id = read(admin(admin, "GET", "/users?exact=true&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8), null))
                .get(0).get("id").asText();
        ArrayNode mappings = JSON.createArrayNode();
        for (String role : sortedRoles) {
            mappings.add(read(admin(admin, "GET", "/roles/" + role, null)));
        }
        expect(admin(admin, "POST", "/users/" + id + "/role-mappings/realm", mappings), 204, "map roles of " + username);
        made.add(username);
        return username;
    }

    /** The login name of the test person with these roles at these hospitals. */
    static String username(Collection<String> roles, Collection<String> hospitals) {
        Set<String> sortedHospitals = new TreeSet<>(hospitals);
        String named = ("t." + String.join(".", new TreeSet<>(roles)) + (sortedHospitals.isEmpty() ? "" : "@" + String.join("+", sortedHospitals)))
                .toLowerCase();
        // Keycloak keeps a username to 255 characters: a person of many hospitals (a national auditor) is
        // named by their count and a digest of the list instead.
        return named.length() <= 100 ? named
                : ("t." + String.join(".", new TreeSet<>(roles)) + "@" + sortedHospitals.size() + "-hospitals-"
                        + java.util.UUID.nameUUIDFromBytes(String.join("+", sortedHospitals).getBytes(StandardCharsets.UTF_8))).toLowerCase();
    }

    /** Adds the short-lived client once: the workstation's sign-in and claims, tokens valid for one second. */
    synchronized void ensureShortLivedClient() {
        if (made.contains(SHORT_LIVED_CLIENT)) {
            return;
        }
        String admin = adminToken();
        JsonNode workstation = read(admin(admin, "GET", "/clients?clientId=" + IdentityProvider.WORKSTATION_CLIENT, null)).get(0);
        ObjectNode client = JSON.createObjectNode().put("clientId", SHORT_LIVED_CLIENT).put("enabled", true).put("publicClient", false)
                .put("secret", shortLivedSecret).put("standardFlowEnabled", true).put("directAccessGrantsEnabled", false);
        client.putArray("redirectUris").add(Logins.REDIRECT_URI);
        client.putObject("attributes").put("access.token.lifespan", "1").put("pkce.code.challenge.method", "S256");
        ArrayNode mappers = client.putArray("protocolMappers");
        workstation.get("protocolMappers").forEach(mapper -> mappers.add(((ObjectNode) mapper.deepCopy()).without("id")));
        HttpResponse<String> created = admin(admin, "POST", "/clients", client);
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("Keycloak did not add the short-lived client: HTTP " + created.statusCode() + " " + created.body());
        }
        made.add(SHORT_LIVED_CLIENT);
    }

    private String adminToken() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
                        + URLEncoder.encode(provider.adminUsername(), StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(provider.adminPassword(), StandardCharsets.UTF_8))).build());
        expect(answer, 200, "sign the bootstrap administrator in");
        return read(answer).get("access_token").asText();
    }

    private HttpResponse<String> admin(String token, String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/admin/realms/" + IdentityProvider.REALM + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(request.build());
    }

    private static void expect(HttpResponse<String> answer, int status, String what) {
        if (answer.statusCode() != status) {
            throw new IllegalStateException("Keycloak would not " + what + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
    }

    private static JsonNode read(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable answer from Keycloak's admin API", e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Keycloak at " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Keycloak", e);
        }
    }
}
