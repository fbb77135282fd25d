package org.cytotriage.infra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the real servers. They start once per test JVM and outlive
 * Quarkus restarts between test profiles, which keeps a module's suite at one start-up.
 */
public class RealInfraTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return RealInfrastructure.shared().serviceConfig();
    }

    @Override
    public void stop() {
        // The servers are shared across Quarkus restarts; the JVM's shutdown hook stops them.
    }
}
