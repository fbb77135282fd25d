package org.cytotriage.infra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the real servers. They start once per test JVM and outlive
 * Quarkus restarts between test profiles, which keeps a module's suite at one start-up. A service
 * with a database passes {@code @ResourceArg(name = "database", value = "true")}, one that checks
 * tokens {@code @ResourceArg(name = "identity", value = "true")} (Keycloak, started on first use).
 */
public class RealInfraTestResource implements QuarkusTestResourceLifecycleManager {

    private boolean database;
    private boolean identity;

    @Override
    public void init(Map<String, String> initArgs) {
        database = Boolean.parseBoolean(initArgs.getOrDefault("database", "false"));
        identity = Boolean.parseBoolean(initArgs.getOrDefault("identity", "false"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new java.util.LinkedHashMap<>(RealInfrastructure.shared().serviceConfig(database));
        if (identity) {
            config.putAll(RealInfrastructure.shared().identityConfig());
        }
        return config;
    }

    @Override
    public void stop() {
        // The servers are shared across Quarkus restarts; the JVM's shutdown hook stops them.
    }
}
