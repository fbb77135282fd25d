package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the binaries in the zonky Maven artifact, reached as production's
 * is: over TLS only (a certificate of the run's authority, clients verify it and the host name,
 * {@code sslmode=verify-full}) and with a password (SCRAM), the owner's made at initdb; its
 * pg_hba.conf accepts nothing else. The data directory is kept across {@link #stop()}/{@link #start()}
 * and {@link #kill()}/{@link #start()}, so a test can take the database away and back, on the same port.
 */
final class PostgresProcess implements PostgresServer {

    private final int port = FreePorts.next();
    private final Path dataDirectory;
    private final Path authority;
    private final TestCertificates.ServerCertificate certificate;
    private final Path hbaFile;
    private final Path passwordFile;
    private final String password = Secrets.random();
    private EmbeddedPostgres server;

    PostgresProcess(Path workDir, TestCertificates certificates) {
        this.dataDirectory = workDir.resolve("postgres-data");
        this.authority = certificates.authority().toAbsolutePath();
        this.certificate = certificates.issue("postgres");
        this.hbaFile = workDir.resolve("pg_hba.conf").toAbsolutePath();
        this.passwordFile = workDir.resolve("postgres-owner-password").toAbsolutePath();
        try {
            Files.writeString(hbaFile, String.join("\n",
                    "# TCP with TLS and a password (SCRAM), nothing else: no trust, no plain connection.",
                    "hostssl all all 127.0.0.1/32 scram-sha-256",
                    "hostssl all all ::1/128 scram-sha-256",
                    ""));
            Files.writeString(passwordFile, password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", certificate.certificate().toAbsolutePath().toString())
                    .setServerConfig("ssl_key_file", certificate.key().toAbsolutePath().toString())
                    .setServerConfig("hba_file", hbaFile.toString())
                    // initdb --pwfile: the owner has a password from the start.
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    // How the embedded server checks that it is up: as any client must connect.
                    .setConnectConfig("password", password)
                    .setConnectConfig("sslmode", "verify-full")
                    .setConnectConfig("sslrootcert", authority.toString())
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
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=verify-full&sslrootcert=" + authority;
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return password;
    }
}
