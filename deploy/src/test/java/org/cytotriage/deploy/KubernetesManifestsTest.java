package org.cytotriage.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.google.gson.Gson;
import com.google.gson.JsonElement;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;

/**
 * deploy/kubernetes/base as kustomize composes it: every resource the kustomization lists, each
 * validated against the Kubernetes API schema of its kind (the Kubernetes Java client's generated
 * models reject unknown fields and missing required ones), then held to the services' configuration.
 */
class KubernetesManifestsTest {

    private static final Path BASE = ServiceConfiguration.ROOT.resolve("deploy/kubernetes/base");
    private static final List<String> SERVICES = List.of("ingest-service", "inference-service", "explain-service", "audit-service",
            "retraining-worker");
    private static final Map<String, Validator> SCHEMAS = Map.of(
            "Namespace", V1Namespace::validateJsonElement, "ConfigMap", V1ConfigMap::validateJsonElement,
            "Secret", V1Secret::validateJsonElement, "PersistentVolumeClaim", V1PersistentVolumeClaim::validateJsonElement,
            "Job", V1Job::validateJsonElement, "Deployment", V1Deployment::validateJsonElement,
            "Service", V1Service::validateJsonElement, "PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement);

    interface Validator {
        void validate(JsonElement json) throws IOException;
    }

    private static final Gson GSON = new Gson();
    /** kind/name -> the resource. */
    private static final Map<String, Map<String, Object>> RESOURCES = new LinkedHashMap<>();
    private static Map<String, Object> kustomization;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void compose() throws IOException {
        kustomization = load(BASE.resolve("kustomization.yaml")).get(0);
        for (String file : (List<String>) kustomization.get("resources")) {
            for (Map<String, Object> resource : load(BASE.resolve(file))) {
                Map<String, Object> metadata = (Map<String, Object>) resource.get("metadata");
                RESOURCES.put(resource.get("kind") + "/" + metadata.get("name"), resource);
            }
        }
    }

    @Test
    void everyResourceIsValidForItsKind() throws IOException {
        assertThat(RESOURCES).isNotEmpty();
        for (var entry : RESOURCES.entrySet()) {
            String kind = (String) entry.getValue().get("kind");
            if (kind.equals("ScaledObject")) {
                continue; // a KEDA custom resource: checked against the deployments below
            }
            assertThat(SCHEMAS).as("a schema for %s", entry.getKey()).containsKey(kind);
            SCHEMAS.get(kind).validate(GSON.toJsonTree(entry.getValue()));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSchemaCheckCatchesAMisspelledField() {
        Map<String, Object> deployment = GSON.fromJson(GSON.toJson(RESOURCES.get("Deployment/inference-service")), Map.class);
        ((Map<String, Object>) deployment.get("spec")).put("replica", 3);
        assertThatThrownBy(() -> V1Deployment.validateJsonElement(GSON.toJsonTree(deployment))).hasMessageContaining("replica");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceHasProbesResourcesAServiceAndADisruptionBudget() {
        List<String> images = ((List<Map<String, String>>) kustomization.get("images")).stream().map(i -> i.get("name")).toList();
        for (String name : SERVICES) {
            Map<String, Object> pod = (Map<String, Object>) path(RESOURCES.get("Deployment/" + name), "spec", "template", "spec");
            Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
            assertThat(images).contains((String) container.get("image"));
            assertThat(path(container, "startupProbe", "httpGet", "path")).isEqualTo("/q/health/started");
            assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
            assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
            assertThat((Map<String, Object>) path(container, "resources", "requests")).containsKeys("cpu", "memory");
            assertThat((Map<String, Object>) path(container, "resources", "limits")).containsKeys("cpu", "memory");
            String port = ServiceConfiguration.of(name).property("quarkus.http.port");
            assertThat(path(((List<Map<String, Object>>) container.get("ports")).get(0), "containerPort")).isEqualTo(Integer.parseInt(port));
            assertThat(RESOURCES).containsKeys("Service/" + name, "PodDisruptionBudget/" + name);
            assertThat(path(RESOURCES.get("PodDisruptionBudget/" + name), "spec", "selector", "matchLabels"))
                    .isEqualTo(path(RESOURCES.get("Deployment/" + name), "spec", "selector", "matchLabels"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConfigurationHoldsOnlyVariablesTheServicesRead() {
        List<Map<String, String>> values = List.of((Map<String, String>) RESOURCES.get("ConfigMap/cytotriage-config").get("data"));
        for (Map<String, String> data : values) {
            data.keySet().forEach(variable -> assertThat(SERVICES.stream().anyMatch(s -> ServiceConfiguration.of(s).reads(variable)))
                    .as(variable).isTrue());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void inferenceAndExplainScaleOnTheLagOfTheirOwnConsumerGroupUpToTheirPartitions() {
        Map<String, Integer> partitions = topicPartitions();
        for (String[] scaled : new String[][] {{"inference-service", "fnab.images"}, {"explain-service", "fnab.predictions"}}) {
            Map<String, Object> scaledObject = RESOURCES.get("ScaledObject/" + scaled[0]);
            assertThat(scaledObject).as("KEDA ScaledObject of %s", scaled[0]).isNotNull();
            assertThat(scaledObject.get("apiVersion")).isEqualTo("keda.sh/v1alpha1");
            assertThat(path(scaledObject, "spec", "scaleTargetRef", "name")).isEqualTo(scaled[0]);
            assertThat(RESOURCES).containsKey("Deployment/" + scaled[0]);
            Map<String, Object> trigger = ((List<Map<String, Object>>) path(scaledObject, "spec", "triggers")).get(0);
            assertThat(trigger.get("type")).isEqualTo("kafka");
            Map<String, String> metadata = (Map<String, String>) trigger.get("metadata");
            assertThat(metadata.get("topic")).isEqualTo(scaled[1]);
            assertThat(metadata.get("consumerGroup")).as("the group the service consumes %s in", scaled[1])
                    .isEqualTo(ServiceConfiguration.of(scaled[0]).property("mp.messaging.incoming.\"" + scaled[1] + "\".group.id"));
            assertThat(Integer.parseInt(metadata.get("lagThreshold"))).isPositive();
            assertThat((Integer) path(scaledObject, "spec", "maxReplicaCount")).as("no more replicas than partitions")
                    .isLessThanOrEqualTo(partitions.get(scaled[1]));
        }
    }

    /** topic -> partitions, from the topics job's script. */
    private static Map<String, Integer> topicPartitions() {
        Matcher topics;
        try {
            topics = Pattern.compile("(fnab\\.[a-z]+):(\\d+)").matcher(Files.readString(BASE.resolve("kafka/setup.sh")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Integer> partitions = new LinkedHashMap<>();
        while (topics.find()) {
            partitions.put(topics.group(1), Integer.parseInt(topics.group(2)));
        }
        assertThat(partitions).containsKeys("fnab.images", "fnab.predictions", "fnab.explanations", "fnab.diagnoses", "fnab.models",
                "fnab.retraining", "fnab.deadletter");
        return partitions;
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> node, String... keys) {
        Object current = node;
        for (String key : keys) {
            assertThat(current).as("%s in %s", key, String.join(".", keys)).isInstanceOf(Map.class);
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Map<String, Object>> documents = new ArrayList<>();
            new Yaml().loadAll(reader).forEach(document -> documents.add((Map<String, Object>) document));
            return documents;
        }
    }

    /** The manifests hold no secret: every Secret a pod reads is the operator's, made outside these files. */
    @Test
    void noSecretIsCommittedInTheManifests() {
        assertThat(RESOURCES.keySet()).as("Secret resources in the manifests").noneMatch(key -> key.startsWith("Secret/"));
        assertThat(RESOURCES.get("ConfigMap/cytotriage-config").toString()).doesNotContainIgnoringCase("password");
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloakImportsTheSameRealmAsTheTestsAndTheLocalStack() throws IOException {
        List<Map<String, Object>> generated = (List<Map<String, Object>>) kustomization.get("configMapGenerator");
        assertThat(generated).anySatisfy(map -> assertThat(map).containsEntry("name", "keycloak-realm"));
        assertThat(Files.readString(BASE.resolve("keycloak/cytotriage-realm.json")))
                .as("deploy's copy of identity/keycloak/cytotriage-realm.json")
                .isEqualTo(Files.readString(BASE.resolve("../../../identity/keycloak/cytotriage-realm.json")));
        Map<String, Object> pod = (Map<String, Object>) path(RESOURCES.get("Deployment/keycloak"), "spec", "template", "spec");
        assertThat(pod.toString()).contains("keycloak-realm").contains("--import-realm").contains("keycloak-secrets");
    }

    /**
     * The retraining worker follows deploy's copy of the change-control plan (identical to the
     * project's), mounted from a generated ConfigMap where its RETRAINING_PLAN points; it is the one
     * pod that writes the models volume (every other mount of it is read-only), one replica replaced
     * by Recreate, and its release key is the operator's Secret.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theRetrainingWorkerFollowsTheProjectsPlanAndIsTheOnlyWriterOfTheModels() throws IOException {
        assertThat(Files.readString(BASE.resolve("change-control/retraining-plan.json")))
                .as("deploy's copy of change-control/retraining-plan.json")
                .isEqualTo(Files.readString(ServiceConfiguration.ROOT.resolve("change-control/retraining-plan.json")));
        List<Map<String, Object>> generated = (List<Map<String, Object>>) kustomization.get("configMapGenerator");
        assertThat(generated).anySatisfy(map -> assertThat(map).containsEntry("name", "retraining-plan")
                .containsEntry("files", List.of("change-control/retraining-plan.json")));

        Map<String, Object> worker = RESOURCES.get("Deployment/retraining-worker");
        assertThat(path(worker, "spec", "replicas")).isEqualTo(1);
        assertThat(path(worker, "spec", "strategy", "type")).isEqualTo("Recreate");
        Map<String, Object> pod = (Map<String, Object>) path(worker, "spec", "template", "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        Map<String, String> env = new LinkedHashMap<>();
        ((List<Map<String, String>>) container.get("env")).forEach(variable -> env.put(variable.get("name"), variable.get("value")));
        ServiceConfiguration configuration = ServiceConfiguration.of("retraining-worker");
        env.keySet().forEach(variable -> assertThat(configuration.reads(variable)).as(variable).isTrue());
        Map<String, String> mounts = new LinkedHashMap<>();
        ((List<Map<String, Object>>) container.get("volumeMounts")).forEach(m -> mounts.put((String) m.get("name"), (String) m.get("mountPath")));
        assertThat(env.get("RETRAINING_PLAN")).isEqualTo(mounts.get("retraining-plan") + "/retraining-plan.json");
        assertThat(env.get("RELEASE_KEY_FILE")).startsWith(mounts.get("release-key") + "/").endsWith(".key");
        assertThat(env.get("RETRAINING_WORK_DIR")).isEqualTo(mounts.get("retraining-work"));
        assertThat(mounts.get("models")).isEqualTo(((Map<String, String>) RESOURCES.get("ConfigMap/cytotriage-config").get("data")).get("MODEL_ROOT"));
        assertThat(pod.toString()).contains("secretName=cytotriage-release-key").contains("claimName=retraining-work}")
                .contains("name=retraining-plan}");
        assertThat(RESOURCES).containsKey("PersistentVolumeClaim/retraining-work");
        assertThat((List<String>) path(RESOURCES.get("PersistentVolumeClaim/models"), "spec", "accessModes")).containsExactly("ReadWriteMany");

        for (var resource : RESOURCES.entrySet()) {
            if (!resource.getKey().startsWith("Deployment/") || resource.getKey().equals("Deployment/retraining-worker")) {
                continue;
            }
            Map<String, Object> other = (Map<String, Object>) path(resource.getValue(), "spec", "template", "spec");
            for (Map<String, Object> volume : (List<Map<String, Object>>) other.getOrDefault("volumes", List.of())) {
                Map<String, Object> claim = (Map<String, Object>) volume.get("persistentVolumeClaim");
                if (claim != null && "models".equals(claim.get("claimName"))) {
                    assertThat(claim.get("readOnly")).as("%s mounts the models read-only", resource.getKey()).isEqualTo(true);
                }
            }
            for (Map<String, Object> c : (List<Map<String, Object>>) other.get("containers")) {
                for (Map<String, Object> mount : (List<Map<String, Object>>) c.getOrDefault("volumeMounts", List.of())) {
                    if ("models".equals(mount.get("name"))) {
                        assertThat(mount.get("readOnly")).as("%s mounts the models read-only", resource.getKey()).isEqualTo(true);
                    }
                }
            }
        }
    }

    /**
     * The broker's ACLs come from the project's one table: the topics job applies deploy's copy of it
     * (identical), and every principal the table names is a service that connects with its own
     * password and trusts the broker's CA, or the release command.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theTopicsJobAppliesTheProjectsAccessTableAndEachServiceConnectsAsItsOwnPrincipal() throws IOException {
        assertThat(Files.readString(BASE.resolve("kafka/access.tsv"))).as("deploy's copy of identity/kafka/access.tsv")
                .isEqualTo(Files.readString(ServiceConfiguration.ROOT.resolve("identity/kafka/access.tsv")));
        List<Map<String, Object>> generated = (List<Map<String, Object>>) kustomization.get("configMapGenerator");
        assertThat(generated).anySatisfy(map -> assertThat(map).containsEntry("name", "kafka-setup")
                .containsEntry("files", List.of("kafka/access.tsv", "kafka/setup.sh")));
        Map<String, Object> job = (Map<String, Object>) path(RESOURCES.get("Job/cytotriage-topics"), "spec", "template", "spec");
        assertThat(job.toString()).contains("kafka-setup").contains("/etc/cytotriage/kafka-setup/setup.sh")
                .contains("cytotriage-kafka-admin").contains("cytotriage-kafka-ca");
        assertThat(Files.readString(BASE.resolve("kafka/setup.sh"))).contains("access.tsv").contains("kafka-acls.sh")
                .contains("kafka-configs.sh").contains("SCRAM-SHA-512");

        List<String> principals = ServiceConfiguration.kafkaPrincipals();
        assertThat(principals).containsAll(SERVICES).contains("model-release").hasSize(SERVICES.size() + 1);
        for (String service : SERVICES) {
            Map<String, Object> pod = (Map<String, Object>) path(RESOURCES.get("Deployment/" + service), "spec", "template", "spec");
            assertThat(pod.toString()).as(service).contains("secretName=cytotriage-kafka-ca").contains("name=cytotriage-credentials-" + service + "}");
        }
    }
}
