package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Kafka, the schema registry and PostgreSQL, started together (in parallel) and stopped together:
 * the one place that decides where the test servers come from ({@link #SERVERS_PROPERTY}).
 * Tests share one instance per JVM through {@link #shared()}; the local stack owns its own.
 */
public final class RealInfrastructure implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RealInfrastructure.class);
    private static final int START_ATTEMPTS = 3;
    /**
     * Where the servers come from: {@code processes} (the default) runs them from Maven artifacts;
     * {@code containers} (the {@code containers} Maven profile) from their production images.
     */
    public static final String SERVERS_PROPERTY = "cytotriage.test.servers";
    private static RealInfrastructure shared;

    private final Path workDir;
    private final Servers servers;
    private final Duration startupTime;
    private IdentityProvider identity;
    private static final String SERVICE_ROLE = "cytotriage_service";
    private final String serviceDatabasePassword = Secrets.random();
    /** Who may do what on the broker: read once, for the broker and for every service's configuration. */
    private final KafkaAccess access = KafkaAccess.ofProject();
    private boolean serviceRoleMade;
    /** The run's release key: the services it configures trust its public half (ModelReleases signs with it). */
    private final java.security.KeyPair releaseKey = org.cytotriage.core.release.ModelRelease.generateKey();

    private RealInfrastructure(Path workDir) {
        this.workDir = workDir;
        Instant begin = Instant.now();
        Servers servers = switch (System.getProperty(SERVERS_PROPERTY, "processes")) {
            case "processes" -> startProcesses(workDir, TestCertificates.create(workDir.resolve("tls")), access);
            case "containers" -> ContainerServers.start();
            default -> throw new IllegalArgumentException(SERVERS_PROPERTY + " is processes or containers, not "
                    + System.getProperty(SERVERS_PROPERTY));
        };
        this.servers = servers;
        this.startupTime = Duration.between(begin, Instant.now());
        LOG.infof("Real infrastructure up in %d ms: Kafka %s, registry %s, PostgreSQL %s (work dir %s)",
                startupTime.toMillis(), kafka().bootstrapServers(), registry().apiUrl(), postgres().jdbcUrl(), workDir);
    }

    /** The servers run as processes from Maven artifacts, started in parallel, each with a certificate of the run's authority. */
    private static Servers startProcesses(Path workDir, TestCertificates certificates, KafkaAccess access) {
        ProjectLayout layout = ProjectLayout.locate();
        CompletableFuture<KafkaBroker> kafkaStart = CompletableFuture.supplyAsync(() -> startWithRetries("Kafka", attempt -> {
            KafkaProcess broker = KafkaProcess.create(layout, workDir.resolve("kafka-" + attempt), certificates, access);
            broker.start();
            return broker;
        }));
        CompletableFuture<SchemaRegistry> registryStart = CompletableFuture.supplyAsync(() -> startWithRetries("the schema registry",
                attempt -> {
                    RegistryProcess r = RegistryProcess.create(layout, workDir, access.principals());
                    r.start();
                    return r;
                }));
        CompletableFuture<PostgresServer> postgresStart = CompletableFuture.supplyAsync(() -> {
            PostgresProcess p = new PostgresProcess(workDir, certificates);
            p.start();
            return p;
        });
        KafkaBroker kafka = kafkaStart.join();
        SchemaRegistry registry = registryStart.join();
        PostgresServer postgres = postgresStart.join();
        return new Servers(kafka, registry, postgres, () -> CompletableFuture.allOf(
                CompletableFuture.runAsync(kafka::stop),
                CompletableFuture.runAsync(registry::stop),
                CompletableFuture.runAsync(postgres::stop)).join());
    }

    /**
     * A server picks a free port just before it binds it; on a busy machine (a build downloading in
     * parallel) another process can take that port in between and the server exits while starting.
     * Each retry starts it afresh on new ports.
     */
    private static <T> T startWithRetries(String what, IntFunction<T> start) {
        for (int attempt = 1;; attempt++) {
            try {
                return start.apply(attempt);
            } catch (IllegalStateException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                LOG.warnf("%s did not start (attempt %d of %d), starting it again on new ports: %s", what, attempt, START_ATTEMPTS,
                        e.getMessage());
            }
        }
    }

    /** Starts a new set of servers with their data under {@code target/real-infra}. */
    public static RealInfrastructure start() {
        Path base = ProjectLayout.locate().workDirectory();
        try {
            Files.createDirectories(base);
            return new RealInfrastructure(Files.createTempDirectory(base, "run-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One set of servers for every test in this JVM, stopped when the JVM exits. */
    public static synchronized RealInfrastructure shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "real-infra-shutdown"));
        }
        return shared;
    }

    public KafkaBroker kafka() {
        return servers.kafka();
    }

    public SchemaRegistry registry() {
        return servers.registry();
    }

    public PostgresServer postgres() {
        return servers.postgres();
    }

    /**
     * Keycloak with the project's realm and demo accounts, started on first use: only the tests and
     * the stack that check tokens wait for it (about 20 s on an idle machine, a minute on a busy one).
     */
    public synchronized IdentityProvider identity() {
        if (identity == null) {
            ProjectLayout layout = ProjectLayout.locate();
            Instant begin = Instant.now();
            identity = startWithRetries("Keycloak", attempt -> {
                KeycloakProcess keycloak = KeycloakProcess.create(layout, workDir);
                keycloak.start();
                return keycloak;
            });
            LOG.infof("Keycloak up in %d ms: %s", Duration.between(begin, Instant.now()).toMillis(), identity.issuer());
        }
        return identity;
    }

    /** Where these servers keep their data and logs; removed by {@link #close()}. */
    public Path workDirectory() {
        return workDir;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /**
     * The configuration a CytoTriage service needs to use these servers. Each service connects to
     * Kafka as its own principal (its application name) and picks its password from
     * {@code cytotriage.test.kafka-passwords.<name>}, and authenticates to the schema registry as the
     * same name with {@code cytotriage.test.registry-passwords.<name>} (service-support's shared configuration).
     */
    public Map<String, String> serviceConfig(boolean withDatabase) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka().bootstrapServers());
        config.put("cytotriage.kafka.truststore", kafka().trustedCertificates().toString());
        access.principals().forEach(principal -> {
            config.put("cytotriage.test.kafka-passwords." + principal, kafka().password(principal));
            config.put("cytotriage.test.registry-passwords." + principal, registry().password(principal));
        });
        config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", registry().apiUrl());
        config.put("cytotriage.image-store.directory", workDir.resolve("image-store").toString());
        config.put("cytotriage.models.release.trusted-keys", org.cytotriage.core.release.ModelRelease.encoded(releaseKey.getPublic()));
        config.put("cytotriage.models.release.model-root", modelRoot().toString());
        if (withDatabase) {
            // The service connects as its own role, migrations run as the owner (audit's append-only record).
            config.put("quarkus.datasource.jdbc.url", postgres().jdbcUrl());
            config.put("quarkus.datasource.username", serviceDatabaseRole());
            config.put("quarkus.datasource.password", serviceDatabasePassword);
            config.put("quarkus.flyway.username", postgres().username());
            config.put("quarkus.flyway.password", postgres().password());
        }
        return config;
    }

    /** Where the services this configures take published models from. */
    public Path modelRoot() {
        try {
            return Files.createDirectories(workDir.resolve("published-models"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The run's release key, whose public half every service under test trusts (the retraining worker signs with it). */
    public java.security.KeyPair releaseKey() {
        return releaseKey;
    }

    /** The database role a service connects as: not the owner, it gets only what the migrations grant it. */
    public synchronized String serviceDatabaseRole() {
        if (!serviceRoleMade) {
            PostgresServer db = postgres();
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    java.sql.Statement statement = connection.createStatement()) {
                statement.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + SERVICE_ROLE + "') then "
                        + "create role " + SERVICE_ROLE + " login; end if; end $$");
                statement.execute("alter role " + SERVICE_ROLE + " password '" + serviceDatabasePassword + "'");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot make the service's database role", e);
            }
            serviceRoleMade = true;
        }
        return SERVICE_ROLE;
    }

    public String serviceDatabasePassword() {
        serviceDatabaseRole();
        return serviceDatabasePassword;
    }

    /**
     * What a service needs to check tokens of this run's Keycloak, and for the pages' sign-in the
     * workstation client's secret (a service that runs no code flow ignores it).
     */
    public Map<String, String> identityConfig() {
        IdentityProvider provider = identity();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.oidc.auth-server-url", provider.issuer());
        config.put("quarkus.oidc.tenant-enabled", "true");
        config.put("cytotriage.identity.workstation-secret", provider.clientSecret(IdentityProvider.WORKSTATION_CLIENT));
        return config;
    }

    @Override
    public synchronized void close() {
        if (identity != null) {
            identity.stop();
        }
        servers.shutdown().run();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", workDir, e.getMessage());
        }
    }
}
