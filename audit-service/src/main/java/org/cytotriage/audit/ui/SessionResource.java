package org.cytotriage.audit.ui;

import java.time.Instant;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.identity.Caller;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;

/**
 * The signed-in workstation user, for the pages: who they are, their hospitals and roles, and the
 * session's access token, which the pages send as a bearer token to audit-service's API and to
 * ingest-service. Answered only within a session of the code flow (the workstation tenant, chosen
 * by path); the API takes no session cookie, so a request from another site cannot act with one.
 */
@Path("/ui/session")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class SessionResource {

    /** Reads the expiry of a token the code flow has already verified; verifies nothing itself. */
    private static final JwtConsumer CLAIMS_ONLY = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
            .setSkipSignatureVerification().build();

    /**
     * {@code accessToken} expires at {@code expiresAt}; the pages ask again shortly before, and the
     * session refreshes it with its refresh token.
     */
    public record Session(String username, String name, Set<String> hospitals, Set<String> roles, String accessToken,
            Instant expiresAt, String ingestUrl, String label) {
    }

    private final Caller caller;
    private final AccessTokenCredential accessToken;
    private final String ingestUrl;

    SessionResource(Caller caller, AccessTokenCredential accessToken,
            @ConfigProperty(name = "cytotriage.audit.ui.ingest-url") String ingestUrl) {
        this.caller = caller;
        this.accessToken = accessToken;
        this.ingestUrl = ingestUrl;
    }

    @GET
    @Operation(summary = "The signed-in user of the workstation pages and the access token their calls carry")
    public Response session() {
        Session session = new Session(caller.username(), caller.displayName(), caller.hospitals(), caller.roles(), accessToken.getToken(),
                expiry(accessToken.getToken()), ingestUrl, "Demo models trained on synthetic images: NOT FOR CLINICAL USE");
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(session).cacheControl(noStore).build();
    }

    private static Instant expiry(String token) {
        try {
            return Instant.ofEpochSecond(CLAIMS_ONLY.processToClaims(token).getExpirationTime().getValue());
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new IllegalStateException("the session's access token is not a JWT with an expiry", e);
        }
    }
}
