package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one process), run from
 * the jars that the kafka-broker-runtime module copies. Its data survives {@link #stop()}, so a
 * test can take the broker away (stop, kill or pause it) and bring the same one back on the same port.
 */
final class KafkaProcess implements KafkaBroker {

    private final int port;
    private final ManagedProcess process;

    private KafkaProcess(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Writes the configuration and formats the storage; {@link #start()} runs the broker. */
    static KafkaProcess create(ProjectLayout layout, Path workDir) {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        String classpath = layout.kafkaLibraries().toAbsolutePath() + "/*";
        Path config = workDir.resolve("server.properties");
        Path log = workDir.resolve("kafka.log");
        try {
            Files.createDirectories(workDir);
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                    "log.dirs=" + workDir.resolve("data").toAbsolutePath(),
                    // One node: every internal topic has a single replica.
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    // Tests start consumers right away; a rebalance delay would only slow them.
                    "group.initial.rebalance.delay.ms=0",
                    "num.partitions=4",
                    "auto.create.topics.enable=true",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess.runToCompletion("Kafka storage format",
                ManagedProcess.javaCommand("-cp", classpath, "kafka.tools.StorageTool", "format",
                        "-t", UUID.randomUUID().toString(), "-c", config.toString(), "--standalone"),
                log, Duration.ofSeconds(60));
        return new KafkaProcess(port, new ManagedProcess("Kafka broker",
                ManagedProcess.javaCommand("-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka", config.toString()),
                log));
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts (or restarts) the broker and waits until it answers a metadata request. */
    @Override
    public void start() {
        process.start(this::answers, Duration.ofSeconds(90));
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
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }
}
