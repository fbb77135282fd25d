package org.cytotriage.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.registry.SchemaRegistration;
import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.IdentityProvider;
import org.cytotriage.infra.KafkaBroker;
import org.cytotriage.infra.Logins;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.infra.RealInfrastructure;

/**
 * The whole system on one machine, no Docker: Kafka, the schema registry and PostgreSQL from the
 * project's own builds, then the five services from their packaged jars. {@link #main} also sends
 * demo images through it and keeps running until Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    /** The documented ports of the services when run by hand; tests use free ports instead. */
    static final Map<String, Integer> FIXED_PORTS = Map.of("ingest-service", 8081, "inference-service", 8082,
            "explain-service", 8083, "audit-service", 8084, "retraining-worker", 8085);

    public static final List<String> ALL_SERVICES = List.of("ingest-service", "inference-service", "explain-service",
            "audit-service", "retraining-worker");

    /**
     * Which services run, how many processes of each, and environment added to every service's
     * (the production configuration keys, e.g. {@code MODEL_DIR} or {@code CYTOTRIAGE_INFERENCE_BATCH_SIZE}),
     * and the CPUs a service's processes are bound to (a {@code taskset} list such as {@code "1"}).
     */
    public record Layout(boolean fixedPorts, Map<String, Integer> replicas, Map<String, String> environment,
            Map<String, String> cpus) {

        public static Layout everything(boolean fixedPorts) {
            Map<String, Integer> one = new LinkedHashMap<>();
            ALL_SERVICES.forEach(name -> one.put(name, 1));
            return new Layout(fixedPorts, one, Map.of(), Map.of());
        }

        /** Only these services, one process each, on free ports. */
        public static Layout only(String... services) {
            Map<String, Integer> one = new LinkedHashMap<>();
            List.of(services).forEach(name -> one.put(name, 1));
            return new Layout(false, one, Map.of(), Map.of());
        }

        public Layout withReplicas(String service, int count) {
            Map<String, Integer> changed = new LinkedHashMap<>(replicas);
            changed.put(service, count);
            return new Layout(fixedPorts, changed, environment, cpus);
        }

        public Layout withEnvironment(String key, String value) {
            Map<String, String> changed = new LinkedHashMap<>(environment);
            changed.put(key, value);
            return new Layout(fixedPorts, replicas, changed, cpus);
        }

        /** Binds the service's processes to these CPUs, e.g. to keep a load generator off them. */
        public Layout withCpus(String service, String cpuList) {
            Map<String, String> changed = new LinkedHashMap<>(cpus);
            changed.put(service, cpuList);
            return new Layout(fixedPorts, replicas, environment, changed);
        }
    }

    private final RealInfrastructure infra;
    private final Logins logins;
    private final Map<String, List<ServiceLauncher>> services = new LinkedHashMap<>();
    private final Duration startupTime;

    private LocalStack(Layout layout) {
        Instant begin = Instant.now();
        Path root = ProjectLayout.locate().root();
        infra = RealInfrastructure.start();
        // Keycloak with the project's realm and demo accounts: every API asks for its tokens.
        IdentityProvider identity = infra.identity();
        logins = new Logins(identity);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("OIDC_AUTH_SERVER_URL", identity.issuer());
        environment.put("CYTOTRIAGE_WORKSTATION_CLIENT_SECRET", identity.clientSecret(IdentityProvider.WORKSTATION_CLIENT));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers());
        environment.put("KAFKA_TRUSTSTORE", infra.kafka().trustedCertificates().toString());
        environment.put("REGISTRY_URL", infra.registry().apiUrl());
        // The services register no schema (production's setting): the deploy step registers the build's first.
        SchemaRegistration.register(infra.registry().apiUrl(), KafkaBroker.ADMIN, infra.registry().password(KafkaBroker.ADMIN));
        environment.put("IMAGE_STORE_DIR", infra.workDirectory().resolve("image-store").toString());
        // The shipped models, staged under the model root as a deployment's volume holds them: releases
        // (the retraining worker's candidates, a rollback signing a version again) write there, never in models/.
        Path live = stageModels(root.resolve("models"), infra.modelRoot().resolve("live"));
        environment.put("MODEL_DIR", live.resolve("thyroideffi-basic").toString());
        environment.put("MODEL_DIRS", String.join(",", live.resolve("thyroideffi-basic").toString(),
                live.resolve("thyroideffi-premium").toString(), live.resolve("mobilenetv2-160").toString()));
        environment.put("MODEL_ROOT", infra.modelRoot().toString());
        environment.put("CYTOTRIAGE_RELEASE_KEYS", ModelRelease.encoded(infra.releaseKey().getPublic()));
        // The retraining worker: the stack's release key (as a deployment's secret), training/ and the change-control plan.
        environment.put("RELEASE_KEY_FILE", ModelRelease.writeKey(infra.releaseKey(), infra.workDirectory().resolve("release-key")).toString());
        environment.put("TRAINING_DIR", root.resolve("training").toString());
        environment.put("RETRAINING_PLAN", root.resolve("change-control/retraining-plan.json").toString());
        environment.put("RETRAINING_WORK_DIR", infra.workDirectory().resolve("retraining").toString());
        // audit-service works as a role that may only read and append its record; migrations run as the owner.
        environment.put("DB_URL", infra.postgres().jdbcUrl());
        environment.put("DB_USER", infra.serviceDatabaseRole());
        environment.put("DB_PASSWORD", infra.serviceDatabasePassword());
        environment.put("DB_OWNER_USER", infra.postgres().username());
        environment.put("DB_OWNER_PASSWORD", infra.postgres().password());
        // The case pseudonyms' key, one per stack like a deployment's secret (support.pseudonym).
        environment.put("CYTOTRIAGE_PSEUDONYM_KEY", java.util.HexFormat.of().formatHex(randomBytes(32)));
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        layout.replicas().forEach((name, count) -> {
            List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                chosen.add(layout.fixedPorts() && i == 0 ? FIXED_PORTS.get(name) : FreePorts.next());
            }
            ports.put(name, chosen);
        });
        // The workstation pages (audit-service) post uploads to ingest-service, which allows their origin.
        if (ports.containsKey("ingest-service")) {
            environment.put("INGEST_URL", "http://127.0.0.1:" + ports.get("ingest-service").get(0));
        }
        if (ports.containsKey("audit-service")) {
            environment.put("WORKSTATION_ORIGINS", String.join(",", ports.get("audit-service").stream()
                    .flatMap(port -> Stream.of("http://127.0.0.1:" + port, "http://localhost:" + port)).toList()));
        }
        environment.putAll(layout.environment());
        layout.replicas().forEach((name, count) -> {
            List<ServiceLauncher> processes = new ArrayList<>();
            // Each service connects to Kafka as its own principal, with its own password.
            Map<String, String> serviceEnvironment = new LinkedHashMap<>(environment);
            serviceEnvironment.put("KAFKA_PASSWORD", infra.kafka().password(name));
            serviceEnvironment.put("REGISTRY_PASSWORD", infra.registry().password(name));
            for (int i = 0; i < count; i++) {
                int port = ports.get(name).get(i);
                String instance = count == 1 ? name : name + "-" + (i + 1);
                processes.add(new ServiceLauncher(root, name, instance, port, serviceEnvironment, layout.cpus().get(name),
                        infra.workDirectory()));
            }
            services.put(name, processes);
        });
        try {
            CompletableFuture.allOf(services.values().stream().flatMap(List::stream)
                    .map(service -> CompletableFuture.runAsync(service::start)).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupTime = Duration.between(begin, Instant.now());
    }

    /** Starts everything; returns once every service reports ready. */
    public static LocalStack start(boolean fixedPorts) {
        return new LocalStack(Layout.everything(fixedPorts));
    }

    /** Starts the servers and the services of a layout; returns once every process reports ready. */
    public static LocalStack start(Layout layout) {
        return new LocalStack(layout);
    }

    /** The first process of a service. */
    public String url(String service) {
        return services.get(service).get(0).url();
    }

    /** Every process of a service, to stop or kill one. */
    public List<ServiceLauncher> processes(String service) {
        return services.get(service);
    }

    public Duration startupTime() {
        return startupTime;
    }

    public RealInfrastructure infrastructure() {
        return infra;
    }

    /** Tokens of the stack's demo accounts and test people, from its Keycloak. */
    public Logins logins() {
        return logins;
    }

    @Override
    public void close() {
        services.values().stream().flatMap(List::stream).forEach(ServiceLauncher::stop);
        infra.close();
    }

    /** {@code java -jar local-stack/target/local-stack.jar [demo images, default 6] [--exit]} */
    public static void main(String[] args) throws Exception {
        int demoImages = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 6;
        boolean exitAfterDemo = List.of(args).contains("--exit");
        System.out.println("CytoTriage local stack: starting Kafka, Apicurio Registry, PostgreSQL, Keycloak and the five services...");
        LocalStack stack = start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        System.out.printf("Up in %.1f s (Kafka %s, registry %s, PostgreSQL %s)%n", stack.startupTime().toMillis() / 1000.0,
                stack.infra.kafka().bootstrapServers(), stack.infra.registry().apiUrl(), stack.infra.postgres().jdbcUrl());
        new DemoRun(stack.url("ingest-service"), stack.url("audit-service"), stack.logins, System.out).run(demoImages);
        System.out.println();
        System.out.println("Open:");
        System.out.printf("  the worklist      %s/   (the case and audit pages link from it)%n", stack.url("audit-service"));
        System.out.printf("  sign in as        cyto.demo (cytopathologist) or auditor.demo (auditor) of demo-hospital, password %s%n",
                stack.infra.identity().demoPassword());
        System.out.printf("  Keycloak          ISSUER=%s (demo accounts: identity/keycloak/demo-accounts.json)%n",
                stack.infra.identity().issuer());
        System.out.printf("  a scanner         client scanner-demo-hospital, SECRET=%s (README: upload with its token)%n",
                stack.infra.identity().clientSecret("scanner-demo-hospital"));
        System.out.printf("  a PACS            client pacs-demo-hospital, SECRET=%s (README: DICOMweb STOW-RS to %s/dicomweb/)%n",
                stack.infra.identity().clientSecret("pacs-demo-hospital"), stack.url("ingest-service"));
        stack.services.forEach((name, processes) -> System.out.printf("  %-18s %s/q/health%n", name, processes.get(0).url()));
        System.out.println("Demo models are NOT FOR CLINICAL USE.");
        if (!exitAfterDemo) {
            System.out.println("Running until Ctrl-C.");
            new CountDownLatch(1).await();
        }
        System.exit(0);
    }

    /** A copy of the shipped model directories (and the reference images their reference vectors name) under {@code live}. */
    private static Path stageModels(Path models, Path live) {
        try (Stream<Path> files = Files.walk(models)) {
            for (Path from : files.toList()) {
                Path to = live.resolve(models.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (!Files.exists(to) && !from.getFileName().toString().equals(ModelRelease.FILE)) {
                    Files.copy(from, to);
                }
            }
            return live;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the models under " + live, e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
