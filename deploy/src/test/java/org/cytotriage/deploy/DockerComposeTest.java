package org.cytotriage.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml, read as Compose reads it (anchors and merge keys resolved), held to the services' configuration. */
class DockerComposeTest {

    private static final List<String> SERVICES = List.of("ingest-service", "inference-service", "explain-service", "audit-service",
            "retraining-worker");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        try (Reader reader = Files.newBufferedReader(ServiceConfiguration.ROOT.resolve("docker-compose.yml"))) {
            // Compose refuses a key given twice in one mapping; SnakeYAML would keep the last one silently.
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Map<String, Object> compose = new Yaml(options).load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    void runsTheServicesAndTheirInfrastructure() {
        assertThat(services).containsKeys("kafka", "registry", "postgres").containsKeys(SERVICES.toArray(String[]::new));
        assertThat((String) services.get("registry").get("image")).as("Apicurio Registry 3.x").startsWith("apicurio/apicurio-registry:3.");
        String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
        SERVICES.forEach(name -> assertThat(services.get(name).get("image")).as(name).isEqualTo("cytotriage/" + name + ":" + version));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyContainerHasAHealthCheckAndServicesWaitForHealthyInfrastructure() {
        services.forEach((name, service) -> {
            if (name.equals("kafka-setup")) {
                return; // a one-shot job: the services wait until it has completed
            }
            Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
            assertThat(health).as("healthcheck of %s", name).isNotNull().containsKey("test");
            assertThat(health.get("test").toString()).as(name).isNotBlank();
        });
        for (String name : SERVICES) {
            Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) services.get(name).get("depends_on");
            assertThat(dependsOn).as(name).containsKeys("kafka", "registry");
            dependsOn.forEach((dependency, condition) -> assertThat(condition).containsEntry("condition",
                    dependency.equals("kafka-setup") ? "service_completed_successfully" : "service_healthy"));
            if (name.equals("audit-service")) {
                assertThat(dependsOn).containsKey("postgres");
            }
            String port = ServiceConfiguration.of(name).property("quarkus.http.port");
            assertThat(((Map<String, Object>) services.get(name).get("healthcheck")).get("test").toString())
                    .as("%s checks its own readiness", name).contains("localhost:" + port + "/q/health/ready");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceVariableIsAConfigurationKeyTheServiceReads() {
        for (String name : SERVICES) {
            ServiceConfiguration configuration = ServiceConfiguration.of(name);
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            assertThat(environment).as(name).isNotEmpty();
            assertThat(environment.keySet()).as("variables of %s that it does not read", name)
                    .allSatisfy(variable -> assertThat(configuration.reads(variable)).as(variable).isTrue());
        }
        assertThat(ServiceConfiguration.of("audit-service").reads("NO_SUCH_SETTING")).as("the check can fail").isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishedPortsDoNotClashAndEachServiceIsReachableOnItsOwnPort() {
        List<String> hostPorts = new ArrayList<>();
        services.forEach((name, service) -> ((List<String>) service.getOrDefault("ports", List.of()))
                .forEach(mapping -> hostPorts.add(mapping.split(":")[0])));
        assertThat(hostPorts).doesNotHaveDuplicates();
        for (String name : SERVICES) {
            String port = ServiceConfiguration.of(name).property("quarkus.http.port");
            assertThat((List<String>) services.get(name).get("ports")).as(name).contains(port + ":" + port);
        }
    }

    /** Secrets come from the environment: a password, secret or key is a required placeholder, never a value written here. */
    @Test
    @SuppressWarnings("unchecked")
    void noSecretIsWrittenInTheFileAndEachIsRequiredFromTheEnvironment() {
        List<String> secrets = new ArrayList<>();
        services.forEach((name, service) -> ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((variable, value) -> {
            if (variable.matches(".*(PASSWORD|SECRET|_KEY)$")) {
                secrets.add(name + " " + variable);
                assertThat(String.valueOf(value)).as("%s of %s", variable, name).matches("\\$\\{[A-Z0-9_]+:\\?[^}]+}");
            }
        }));
        assertThat(secrets).as("the check found the secrets").contains("postgres POSTGRES_PASSWORD", "audit-service DB_PASSWORD",
                "keycloak KC_BOOTSTRAP_ADMIN_PASSWORD", "audit-service CYTOTRIAGE_WORKSTATION_CLIENT_SECRET", "ingest-service CYTOTRIAGE_PSEUDONYM_KEY");
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloakImportsTheProjectsRealmAndEveryServiceWaitsForIt() {
        Map<String, Object> keycloak = services.get("keycloak");
        assertThat((String) keycloak.get("image")).startsWith("quay.io/keycloak/keycloak:26.");
        assertThat((List<String>) keycloak.get("volumes")).contains(
                "./identity/keycloak/cytotriage-realm.json:/opt/keycloak/data/import/cytotriage-realm.json:ro");
        assertThat(keycloak.get("command").toString()).contains("--import-realm");
        for (String name : SERVICES) {
            assertThat((Map<String, Object>) services.get(name).get("depends_on")).as(name).containsKey("keycloak");
            assertThat((Map<String, Object>) services.get(name).get("environment")).as(name).containsKey("OIDC_AUTH_SERVER_URL");
        }
    }

    /** Each service connects to the broker as its own principal; kafka-setup gives every principal of the table its password. */
    @Test
    @SuppressWarnings("unchecked")
    void eachServiceConnectsToKafkaAsItsOwnPrincipalAndKafkaSetupAppliesTheAccessTable() throws IOException {
        List<String> principals = ServiceConfiguration.kafkaPrincipals();
        Map<String, Object> setup = services.get("kafka-setup");
        Map<String, Object> setupEnvironment = (Map<String, Object>) setup.get("environment");
        for (String principal : principals) {
            assertThat(setupEnvironment).as("kafka-setup").containsKey("KAFKA_PASSWORD_" + principal.toUpperCase().replace('-', '_'));
        }
        assertThat((List<String>) setup.get("volumes")).contains("./identity/kafka/access.tsv:/opt/cytotriage/access.tsv:ro");
        for (String name : SERVICES) {
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            assertThat(String.valueOf(environment.get("KAFKA_PASSWORD"))).as(name)
                    .startsWith("${KAFKA_PASSWORD_" + name.toUpperCase().replace('-', '_') + ":?");
            assertThat((Map<String, Object>) services.get(name).get("depends_on")).as(name).containsKey("kafka-setup");
            assertThat(String.valueOf(environment.get("REGISTRY_PASSWORD"))).as(name)
                    .startsWith("${REGISTRY_PASSWORD_" + name.toUpperCase().replace('-', '_') + ":?");
        }
        assertThat(services.get("kafka").toString()).doesNotContain("PLAINTEXT");
    }
}
