package org.cytotriage.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the infrastructure builds inside the project: the Kafka broker's jars, the registry's
 * runner jar, the built Keycloak and the realm files. The build passes the project root as {@code cytotriage.root}; otherwise the working
 * directory and its parents are searched, so the launcher works from anywhere in the checkout.
 */
public final class ProjectLayout {

    private final Path root;

    private ProjectLayout(Path root) {
        this.root = root;
    }

    public static ProjectLayout locate() {
        String configured = System.getProperty("cytotriage.root");
        if (configured != null && Files.isDirectory(Paths.get(configured, "test-infra"))) {
            return new ProjectLayout(Paths.get(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("test-infra")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new IllegalStateException("cannot find the CytoTriage project root (set -Dcytotriage.root)");
    }

    public Path root() {
        return root;
    }

    Path kafkaLibraries() {
        return requireBuilt(root.resolve("test-infra/kafka-broker-runtime/target/lib"));
    }

    Path registryRunnerJar() {
        return requireBuilt(root.resolve("test-infra/apicurio-registry-runner/target/apicurio-registry-runner-0.1.0-SNAPSHOT-runner.jar"));
    }

    /** The Keycloak distribution test-infra/keycloak-server unpacked and built. */
    Path keycloakHome() {
        Path target = requireBuilt(root.resolve("test-infra/keycloak-server/target"));
        try (var homes = Files.list(target)) {
            return homes.filter(dir -> dir.getFileName().toString().startsWith("keycloak-")
                    && Files.isRegularFile(dir.resolve("lib/quarkus/cytotriage-build-options"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no built Keycloak in " + target
                            + ": build the project first (./mvnw -DskipTests install)"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The realm every deployment imports and the demo accounts only tests and the local stack add. */
    Path realmFile(String name) {
        return requireBuilt(root.resolve("identity/keycloak").resolve(name));
    }

    /** Scratch space for server data and logs, inside the build output so `clean` removes it. */
    Path workDirectory() {
        return root.resolve("target/real-infra");
    }

    private static Path requireBuilt(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: build the project first (./mvnw -DskipTests install)");
        }
        return path;
    }
}
