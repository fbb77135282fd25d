package org.cytotriage.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.infra.RealInfrastructure;

/**
 * The whole system on one machine, no Docker: Kafka, the schema registry and PostgreSQL from the
 * project's own builds, then the four services from their packaged jars. {@link #main} also sends
 * demo images through it and keeps running until Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    /** The documented ports of the services when run by hand; tests use free ports instead. */
    static final Map<String, Integer> FIXED_PORTS = Map.of("ingest-service", 8081, "inference-service", 8082,
            "explain-service", 8083, "audit-service", 8084);

    private final RealInfrastructure infra;
    private final Map<String, ServiceLauncher> services = new LinkedHashMap<>();
    private final Duration startupTime;

    private LocalStack(boolean fixedPorts) {
        Instant begin = Instant.now();
        Path root = ProjectLayout.locate().root();
        infra = RealInfrastructure.start();
        Map<String, String> environment = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers(),
                "REGISTRY_URL", infra.registry().apiUrl(),
                "IMAGE_STORE_DIR", infra.workDirectory().resolve("image-store").toString(),
                "MODEL_DIR", root.resolve("models/thyroideffi-basic").toString(),
                "DB_URL", infra.postgres().jdbcUrl(),
                "DB_USER", infra.postgres().username(),
                "DB_PASSWORD", infra.postgres().password());
        for (String name : List.of("ingest-service", "inference-service", "explain-service", "audit-service")) {
            int port = fixedPorts ? FIXED_PORTS.get(name) : FreePorts.next();
            services.put(name, new ServiceLauncher(root, name, port, environment, infra.workDirectory()));
        }
        try {
            CompletableFuture.allOf(services.values().stream()
                    .map(service -> CompletableFuture.runAsync(service::start)).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupTime = Duration.between(begin, Instant.now());
    }

    /** Starts everything; returns once every service reports ready. */
    public static LocalStack start(boolean fixedPorts) {
        return new LocalStack(fixedPorts);
    }

    public String url(String service) {
        return services.get(service).url();
    }

    public Duration startupTime() {
        return startupTime;
    }

    public RealInfrastructure infrastructure() {
        return infra;
    }

    @Override
    public void close() {
        services.values().forEach(ServiceLauncher::stop);
        infra.close();
    }

    /** {@code java -jar local-stack/target/local-stack.jar [demo images, default 6] [--exit]} */
    public static void main(String[] args) throws Exception {
        int demoImages = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 6;
        boolean exitAfterDemo = List.of(args).contains("--exit");
        System.out.println("CytoTriage local stack: starting Kafka, Apicurio Registry, PostgreSQL and the four services...");
        LocalStack stack = start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        System.out.printf("Up in %.1f s (Kafka %s, registry %s, PostgreSQL %s)%n", stack.startupTime().toMillis() / 1000.0,
                stack.infra.kafka().bootstrapServers(), stack.infra.registry().apiUrl(), stack.infra.postgres().jdbcUrl());
        new DemoRun(stack.url("ingest-service"), stack.url("audit-service"), System.out).run(demoImages);
        System.out.println();
        System.out.println("Open:");
        stack.services.forEach((name, service) -> System.out.printf("  %-18s %s/q/swagger-ui   health %s/q/health%n",
                name, service.url(), service.url()));
        System.out.printf("  a case            %s/api/v1/cases/<caseId>%n", stack.url("audit-service"));
        System.out.println("Demo models are NOT FOR CLINICAL USE.");
        if (!exitAfterDemo) {
            System.out.println("Running until Ctrl-C.");
            new CountDownLatch(1).await();
        }
        System.exit(0);
    }
}
