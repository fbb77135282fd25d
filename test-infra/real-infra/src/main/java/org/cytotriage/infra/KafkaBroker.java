package org.cytotriage.infra;

import java.nio.file.Path;
import java.util.Map;

/** A Kafka broker for tests and the local stack; a test may take it away and bring it back. */
public interface KafkaBroker {

    /** The broker's super user: tests' readers and writers, the set-up of topics and ACLs. */
    String ADMIN = "admin";

    String bootstrapServers();

    /**
     * What a client connecting as {@code principal} needs (bootstrap servers, TLS trusting the run's
     * authority, SCRAM-SHA-512 with the principal's password): the principals of
     * {@link KafkaAccess#TABLE} and {@link #ADMIN}.
     */
    Map<String, Object> clientConfig(String principal);

    /** {@link #clientConfig} as the administrator. */
    default Map<String, Object> adminConfig() {
        return clientConfig(ADMIN);
    }

    /** The SCRAM password of {@code principal}, for a process this run starts (the local stack's services). */
    String password(String principal);

    /** The PEM certificate(s) a client trusts to reach this broker. */
    Path trustedCertificates();

    /** Starts it, or brings it back after {@link #stop()}, and waits until it answers. */
    void start();

    /** Takes it away: clients see it unreachable until {@link #start()}. */
    void stop();

    boolean isRunning();

    /**
     * SIGKILL: the broker dies without a clean shutdown; {@link #start()} brings it back on the same
     * port and data directory (log recovery). Only a broker run as a local process supports it.
     */
    default void kill() {
        throw new UnsupportedOperationException("kill needs a broker run as a local process");
    }

    /**
     * SIGSTOP: the broker freezes with its connections open (no answers, no heartbeats handled)
     * until {@link #resume()}. Only a broker run as a local process supports it.
     */
    default void pause() {
        throw new UnsupportedOperationException("pause needs a broker run as a local process");
    }

    /** SIGCONT after {@link #pause()}. */
    default void resume() {
        throw new UnsupportedOperationException("resume needs a broker run as a local process");
    }
}
