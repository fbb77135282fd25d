package org.cytotriage.infra;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Access tokens from the running Keycloak, got the way their owners get them: a user signs in on
 * Keycloak's own login page (authorization code flow with PKCE, as the workstation client), a
 * scanner with its client's credentials. Nothing here makes a token; a token is kept until shortly
 * before it expires.
 */
public final class Logins {

    /** Where Keycloak sends the browser back with the code; nothing needs to listen there. */
    static final String REDIRECT_URI = "http://127.0.0.1:9/signed-in";
    private static final Pattern FORM_ACTION = Pattern.compile("action=\"([^\"]*/login-actions/authenticate[^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdentityProvider provider;
    private final Accounts accounts;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    public Logins(IdentityProvider provider) {
        this.provider = provider;
        this.accounts = new Accounts(provider, HexFormat.of().formatHex(random(24)));
    }

    /** The access token of a demo user (identity/keycloak/demo-accounts.json), signed in with the run's demo password. */
    public String user(String username) {
        return tokens.compute("user:" + username, (key, kept) -> kept != null && kept.fresh() ? kept
                : signIn(username, provider.demoPassword(), IdentityProvider.WORKSTATION_CLIENT,
                        provider.clientSecret(IdentityProvider.WORKSTATION_CLIENT))).value();
    }

    /**
     * The access token of a person holding exactly these realm roles at these hospitals: added to the
     * realm on first use through the admin API, as an administrator adds one, then signed in on the
     * login page like a demo user.
     */
    public String person(Collection<String> roles, Collection<String> hospitals) {
        return user(accounts.person(roles, hospitals));
    }

    /** The login name of that person, added to the realm if need be, to sign in with elsewhere (a browser). */
    public String personUsername(Collection<String> roles, Collection<String> hospitals) {
        return accounts.person(roles, hospitals);
    }

    /** The password of every demo user and test person of this run. */
    public String password() {
        return provider.demoPassword();
    }

    /**
     * A token of such a person that the provider itself issued and that has expired: signed in through
     * a client whose tokens live one second, returned once its {@code exp} has passed.
     */
    public String expired(Collection<String> roles, Collection<String> hospitals) {
        String username = accounts.person(roles, hospitals);
        accounts.ensureShortLivedClient();
        Token token = signIn(username, provider.demoPassword(), Accounts.SHORT_LIVED_CLIENT, accounts.shortLivedSecret());
        // exp is whole seconds and a service may allow a second of clock skew: two seconds past it, it has expired everywhere.
        Instant past = token.expiresAt().plusSeconds(2);
        while (Instant.now().isBefore(past)) {
            try {
                Thread.sleep(Math.max(1, Duration.between(Instant.now(), past).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return token.value();
    }

    /** The access token of a hospital's scanner (client {@code scanner-<hospital>}, client credentials). */
    public String scanner(String hospital) {
        return client("scanner-" + hospital);
    }

    /** The access token of a hospital's PACS (client {@code pacs-<hospital>}, client credentials). */
    public String pacs(String hospital) {
        return client("pacs-" + hospital);
    }

    private String client(String client) {
        return tokens.compute("client:" + client, (key, kept) -> kept != null && kept.fresh() ? kept
                : token(form("grant_type", "client_credentials", "client_id", client, "client_secret", provider.clientSecret(client)))).value();
    }

    /** Signs in afresh with the given password; nothing kept. */
    String signIn(String username, char[] password) {
        return signIn(username, new String(password), IdentityProvider.WORKSTATION_CLIENT,
                provider.clientSecret(IdentityProvider.WORKSTATION_CLIENT)).value();
    }

    private Token signIn(String username, String password, String clientId, String clientSecret) {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        String verifier = HexFormat.of().formatHex(random(32));
        String state = HexFormat.of().formatHex(random(8));
        URI authorize = URI.create(provider.issuer() + "/protocol/openid-connect/auth?" + form("client_id", clientId,
                "response_type", "code", "scope", "openid", "redirect_uri", REDIRECT_URI, "state", state,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> loginPage = send(browser, HttpRequest.newBuilder(authorize).GET().build());
        Matcher action = FORM_ACTION.matcher(loginPage.body());
        if (loginPage.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException("Keycloak showed no login form for " + username + " (HTTP " + loginPage.statusCode() + ")");
        }
        HttpResponse<String> signedIn = send(browser, HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies(loginPage))
                .POST(HttpRequest.BodyPublishers.ofString(form("username", username, "password", password))).build());
        String location = signedIn.headers().firstValue("Location").orElse("");
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (signedIn.statusCode() != 302 || !location.startsWith(REDIRECT_URI) || !location.contains("state=" + state) || !code.find()) {
            throw new IllegalStateException("Keycloak did not sign " + username + " in (HTTP " + signedIn.statusCode() + ")");
        }
        return token(form("grant_type", "authorization_code", "client_id", clientId,
                "client_secret", clientSecret, "code", code.group(1),
                "redirect_uri", REDIRECT_URI, "code_verifier", verifier));
    }

    private Token token(String form) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> answer = send(client, HttpRequest.newBuilder(URI.create(provider.issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token: HTTP " + answer.statusCode() + " " + answer.body());
        }
        try {
            JsonNode body = JSON.readTree(answer.body());
            return new Token(body.get("access_token").asText(), Instant.now().plusSeconds(body.get("expires_in").asLong()));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable token answer from Keycloak", e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Keycloak at " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Keycloak", e);
        }
    }

    /**
     * The login session's cookies, sent back as a browser does. Keycloak marks them Secure (they are
     * SameSite=None), which java.net.CookieManager keeps off a plain-http request, and a browser or
     * curl sends to a loopback address all the same.
     */
    private static String cookies(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().map(cookie -> cookie.split(";", 2)[0])
                .collect(Collectors.joining("; "));
    }

    private static String form(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }

    private record Token(String value, Instant expiresAt) {
        boolean fresh() {
            return Instant.now().plusSeconds(30).isBefore(expiresAt);
        }
    }
}
