package org.cytotriage.infra;

/** A PostgreSQL server for tests and the local stack; a test may take it away and bring it back. */
public interface PostgresServer {

    String jdbcUrl();

    String username();

    String password();

    /** Starts it, or brings it back with its data after {@link #stop()}. */
    void start();

    /** Takes it away: clients see it unreachable until {@link #start()}. */
    void stop();
}
