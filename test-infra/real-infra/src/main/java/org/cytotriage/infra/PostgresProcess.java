package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the binaries in the zonky Maven artifact. The data directory is
 * kept across {@link #stop()}/{@link #start()} and {@link #kill()}/{@link #start()}, so a test can
 * take the database away and back, on the same port.
 */
final class PostgresProcess implements PostgresServer {

    private final int port = FreePorts.next();
    private final Path dataDirectory;
    private EmbeddedPostgres server;

    PostgresProcess(Path workDir) {
        this.dataDirectory = workDir.resolve("postgres-data");
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // The embedded default is off: a commit would return before its WAL is written, and a
                    // SIGKILL right after it would lose the committed row (seen in ServerFaultsTest), which a
                    // production server (postgres:16, on by default) does not. fsync stays off (-F): the WAL
                    // written at commit survives a killed server in the OS page cache, not a machine crash.
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        }
        server = null;
    }

    /**
     * SIGKILL to the postmaster (its pid is the first line of {@code postmaster.pid}) and to every
     * backend it forked, all at once as a crashed machine or container would; then the embedded
     * server lets go of the data directory (its {@code pg_ctl stop} finds nothing to stop).
     */
    @Override
    public synchronized void kill() {
        if (server == null) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                List<ProcessHandle> backends = postmaster.descendants().toList();
                postmaster.destroyForcibly();
                backends.forEach(ProcessHandle::destroyForcibly);
                postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                backends.forEach(backend -> backend.onExit().orTimeout(10, TimeUnit.SECONDS).join());
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PostgreSQL postmaster's pid", e);
        }
        try {
            server.close();
        } catch (IOException | RuntimeException expected) {
            // pg_ctl stop fails: the server is already gone. The lock on the data directory is released.
        }
        server = null;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }
}
