package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one process), run from
 * the jars that the kafka-broker-runtime module copies, locked down as production is: clients
 * connect over TLS with SCRAM-SHA-512 (a password per principal, set at format time), the
 * controller listener takes only the broker's own certificate (mutual TLS), and StandardAuthorizer
 * refuses whatever the project's access table ({@link KafkaAccess}) does not allow. Its data
 * survives {@link #stop()}, so a test can take the broker away (stop, kill or pause it) and bring
 * the same one back on the same port.
 */
final class KafkaProcess implements KafkaBroker {

    private static final String BROKER = "kafka-broker";

    private final int port;
    private final ManagedProcess process;
    private final TestCertificates certificates;
    private final KafkaAccess access;
    private final Map<String, String> passwords;
    private boolean setUp;

    private KafkaProcess(int port, ManagedProcess process, TestCertificates certificates, KafkaAccess access,
            Map<String, String> passwords) {
        this.port = port;
        this.process = process;
        this.certificates = certificates;
        this.access = access;
        this.passwords = passwords;
    }

    /** Writes the configuration and formats the storage with every principal's credentials; {@link #start()} runs the broker. */
    static KafkaProcess create(ProjectLayout layout, Path workDir, TestCertificates certificates, KafkaAccess access) {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        String classpath = layout.kafkaLibraries().toAbsolutePath() + "/*";
        Path config = workDir.resolve("server.properties");
        Path log = workDir.resolve("kafka.log");
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, Secrets.random());
        passwords.put(BROKER, Secrets.random());
        access.principals().forEach(principal -> passwords.put(principal, Secrets.random()));
        TestCertificates.ServerCertificate certificate = certificates.issue(BROKER);
        try {
            Files.createDirectories(workDir);
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "listeners=SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                    "inter.broker.listener.name=SASL_SSL",
                    // Clients: TLS, then SCRAM-SHA-512 (the credentials live in the cluster's metadata).
                    "sasl.enabled.mechanisms=SCRAM-SHA-512",
                    "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(BROKER, passwords.get(BROKER)),
                    // The controller listener: only a holder of a certificate of the run's authority (the broker itself).
                    "listener.name.controller.ssl.client.auth=required",
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + certificate.keyStore().toAbsolutePath(),
                    "ssl.keystore.password=" + certificate.keyStorePassword(),
                    "ssl.truststore.type=PEM",
                    "ssl.truststore.location=" + certificates.authority().toAbsolutePath(),
                    // What the access table does not allow is refused; the administrator and the broker itself may do anything.
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:" + ADMIN + ";User:" + BROKER + ";User:CN=" + BROKER,
                    "log.dirs=" + workDir.resolve("data").toAbsolutePath(),
                    // One node: every internal topic has a single replica.
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    // Tests start consumers right away; a rebalance delay would only slow them. Production
                    // brokers run Kafka's default of 3 s, which lets a restarted inference-service's two
                    // consumers join its empty group together; here the first may take every partition and a
                    // batch before the second's join moves half of them, and that batch is predicted twice
                    // (GracefulShutdownTest failed so once in CI). 3 s here made TopicReader's group join miss
                    // short reads (audit RedriveTest, ChangeControlTest): it must read by assignment first.
                    "group.initial.rebalance.delay.ms=0",
                    "num.partitions=4",
                    // Only for the administrator (tests' own topics): services may not create topics.
                    "auto.create.topics.enable=true",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> format = new ArrayList<>(ManagedProcess.javaCommand("-cp", classpath, "kafka.tools.StorageTool", "format",
                "-t", UUID.randomUUID().toString(), "-c", config.toString(), "--standalone"));
        passwords.forEach((principal, password) -> {
            format.add("--add-scram");
            format.add("SCRAM-SHA-512=[name=" + principal + ",password=" + password + "]");
        });
        ManagedProcess.runToCompletion("Kafka storage format", format, log, Duration.ofSeconds(60));
        return new KafkaProcess(port, new ManagedProcess("Kafka broker",
                ManagedProcess.javaCommand("-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka", config.toString()),
                log), certificates, access, Map.copyOf(passwords));
    }

    private static String jaas(String principal, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + principal + "\" password=\""
                + password + "\";";
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Map<String, Object> clientConfig(String principal) {
        Map<String, Object> config = new LinkedHashMap<>(connectionConfig());
        config.put("sasl.jaas.config", jaas(principal, password(principal)));
        return config;
    }

    /** TLS and SCRAM, without credentials. */
    private Map<String, Object> connectionConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", certificates.authority().toAbsolutePath().toString());
    }

    @Override
    public String password(String principal) {
        String password = passwords.get(principal);
        if (password == null || principal.equals(BROKER)) {
            throw new IllegalArgumentException(principal + " is no principal of this broker: see " + KafkaAccess.TABLE);
        }
        return password;
    }

    @Override
    public Path trustedCertificates() {
        return certificates.authority();
    }

    /**
     * Starts (or restarts) the broker and waits until it answers a metadata request; the first time,
     * creates the product's topics and the access table's ACLs (both kept in the cluster's metadata).
     */
    @Override
    public void start() {
        process.start(this::answers, Duration.ofSeconds(90));
        if (!setUp) {
            setUp();
            setUp = true;
        }
    }

    private void setUp() {
        try (Admin admin = Admin.create(adminConfig())) {
            try {
                admin.createTopics(access.topics().stream().map(topic -> new NewTopic(topic, 4, (short) 1)).toList())
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            admin.createAcls(access.bindings()).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics and ACLs of " + KafkaAccess.TABLE, e);
        }
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void pause() {
        process.pause();
    }

    @Override
    public void resume() {
        process.resume();
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    private boolean answers() {
        if (!FreePorts.isListening(port)) {
            return false;
        }
        Map<String, Object> config = new LinkedHashMap<>(adminConfig());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }
}
