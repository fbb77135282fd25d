package org.cytotriage.support.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the schema registry answers: without it no event can be serialised or read. The
 * registry's system-info endpoint exists in both the v2 and the v3 API.
 */
@Readiness
@ApplicationScoped
public class SchemaRegistryReadiness implements HealthCheck {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String registryUrl;
    private final String authorization;

    /** Asks with the service's own credentials: ready means the registry answers and accepts them. */
    SchemaRegistryReadiness(@ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url") String registryUrl,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.auth.username") String username,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.auth.password") String password) {
        this.registryUrl = registryUrl;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("schema-registry").withData("url", registryUrl);
        try {
            int status = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl + "/system/info")).header("Authorization", authorization)
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return response.status(status == 200).withData("status", status).build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
