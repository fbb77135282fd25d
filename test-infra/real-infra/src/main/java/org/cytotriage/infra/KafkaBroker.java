package org.cytotriage.infra;

/** A Kafka broker for tests and the local stack; a test may take it away and bring it back. */
public interface KafkaBroker {

    String bootstrapServers();

    /** Starts it, or brings it back after {@link #stop()}, and waits until it answers. */
    void start();

    /** Takes it away: clients see it unreachable until {@link #start()}. */
    void stop();

    boolean isRunning();
}
