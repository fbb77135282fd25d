package org.cytotriage.inference.model;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN only when the configured model cannot be loaded and no other model is live: the replica
 * cannot recover by itself, so the orchestrator restarts it, and a bad model in a rollout shows as a
 * crash loop that never takes traffic. Loading, or Kafka being away, leaves liveness UP.
 */
@Liveness
@ApplicationScoped
public class ModelLiveness implements HealthCheck {

    private final LiveModel live;

    ModelLiveness(LiveModel live) {
        this.live = live;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> failure = live.failure();
        if (failure.isPresent()) {
            return HealthCheckResponse.named("model").down().withData("reason", failure.get()).build();
        }
        return HealthCheckResponse.up("model");
    }
}
