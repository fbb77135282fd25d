package org.cytotriage.infra;

/** A Kafka broker for tests and the local stack; a test may take it away and bring it back. */
public interface KafkaBroker {

    String bootstrapServers();

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
