package org.cytotriage.support.health;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.common.annotation.Identifier;

/**
 * Ready only while the broker answers a metadata request within two seconds. Bounded on purpose:
 * a health probe that hangs while the broker is away is worse than one that says DOWN.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private static final int TIMEOUT_MS = 2000;

    private final String bootstrapServers;
    private final Admin admin;

    /** {@code kafka} is every {@code kafka.*} setting (bootstrap servers, TLS, SCRAM): it connects as the service does. */
    KafkaReadiness(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.bootstrapServers = String.valueOf(kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(config);
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kafka").withData("bootstrap.servers", bootstrapServers);
        try {
            int nodes = admin.describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return response.status(nodes > 0).withData("nodes", nodes).build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
