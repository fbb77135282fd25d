package org.cytotriage.infra;

import java.util.concurrent.atomic.AtomicBoolean;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same three servers from the production container images that docker-compose.yml runs, through
 * Testcontainers: the {@code containers} Maven profile, for machines with a container engine. Taking
 * a server away pauses its container (clients see it stop answering), bringing it back unpauses it,
 * so its ports and data stay as they were.
 */
final class ContainerServers {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:3.1.7";
    static final String POSTGRES_IMAGE = "postgres:16";

    static final String NO_ENGINE = """
            The containers profile runs the test servers from their production images through Testcontainers, \
            and no container engine answers on this machine (Testcontainers looked at DOCKER_HOST, \
            ~/.testcontainers.properties and the Docker socket). Build without -Pcontainers: the default suites \
            start the same servers from Maven artifacts.""";

    private ContainerServers() {
    }

    static boolean engineAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static Servers start() {
        if (!engineAvailable()) {
            throw new IllegalStateException(NO_ENGINE);
        }
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        GenericContainer<?> registry = new GenericContainer<>(REGISTRY_IMAGE).withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/health/ready").forPort(8080));
        PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE);
        Startables.deepStart(kafka, registry, postgres).join();
        return new Servers(
                new Broker(kafka),
                new Registry(registry),
                new Postgres(postgres),
                () -> {
                    kafka.stop();
                    registry.stop();
                    postgres.stop();
                });
    }

    /** Stop and start as pause and unpause: the container keeps its mapped ports and its data. */
    private static class Pausable {
        private final GenericContainer<?> container;
        private final AtomicBoolean paused = new AtomicBoolean();

        Pausable(GenericContainer<?> container) {
            this.container = container;
        }

        public void start() {
            if (paused.compareAndSet(true, false)) {
                container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
            }
        }

        public void stop() {
            if (paused.compareAndSet(false, true)) {
                container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
            }
        }

        public boolean isRunning() {
            return !paused.get() && container.isRunning();
        }
    }

    private static final class Broker extends Pausable implements KafkaBroker {
        private final KafkaContainer kafka;

        Broker(KafkaContainer kafka) {
            super(kafka);
            this.kafka = kafka;
        }

        @Override
        public String bootstrapServers() {
            return kafka.getBootstrapServers();
        }

        // Not yet: the image's broker runs as Testcontainers starts it, PLAINTEXT and without ACLs,
        // and the services speak only TLS and SCRAM. Until it is configured as the process broker
        // is (KafkaProcess), the containers profile starts the servers but no service.
        @Override
        public java.util.Map<String, Object> clientConfig(String principal) {
            throw new UnsupportedOperationException(UNSECURED);
        }

        @Override
        public String password(String principal) {
            throw new UnsupportedOperationException(UNSECURED);
        }

        @Override
        public java.nio.file.Path trustedCertificates() {
            throw new UnsupportedOperationException(UNSECURED);
        }
    }

    private static final String UNSECURED = "the containers profile's broker speaks PLAINTEXT without ACLs; "
            + "services and test clients need the secured process broker (the default profile)";

    private static final class Registry extends Pausable implements SchemaRegistry {
        private final GenericContainer<?> registry;

        Registry(GenericContainer<?> registry) {
            super(registry);
            this.registry = registry;
        }

        @Override
        public String apiUrl() {
            return "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/registry/v2";
        }

        @Override
        public String password(String principal) {
            throw new UnsupportedOperationException(UNSECURED);
        }
    }

    private static final class Postgres extends Pausable implements PostgresServer {
        private final PostgreSQLContainer postgres;

        Postgres(PostgreSQLContainer postgres) {
            super(postgres);
            this.postgres = postgres;
        }

        @Override
        public String jdbcUrl() {
            return postgres.getJdbcUrl();
        }

        @Override
        public String username() {
            return postgres.getUsername();
        }

        @Override
        public String password() {
            return postgres.getPassword();
        }
    }
}
