package org.cytotriage.inference.model;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.model.card.ModelCard;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until a model is loaded, warmed and live; the data says what it is waiting for. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final LiveModel live;

    ModelReadiness(LiveModel live) {
        this.live = live;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("model");
        if (!live.isReady()) {
            return response.down().withData("state", live.failure().orElse("loading")).build();
        }
        ModelCard card = live.card();
        return response.up().withData("name", card.name()).withData("version", card.version()).withData("sha256", card.sha256()).build();
    }
}
