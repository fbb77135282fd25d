package org.cytotriage.infra;

/** A PostgreSQL server for tests and the local stack; a test may take it away and bring it back. */
public interface PostgresServer {

    /** Over TLS, verifying the server's certificate and host name ({@code sslmode=verify-full}); add parameters with {@code &}. */
    String jdbcUrl();

    String username();

    String password();

    /** Starts it, or brings it back with its data after {@link #stop()}. */
    void start();

    /** Takes it away: clients see it unreachable until {@link #start()}. */
    void stop();

    /**
     * SIGKILL to the postmaster and every backend: no shutdown checkpoint; {@link #start()} brings it
     * back on the same port and data directory (crash recovery from the WAL). Only a server run as
     * a local process supports it.
     */
    default void kill() {
        throw new UnsupportedOperationException("kill needs a PostgreSQL server run as a local process");
    }
}
