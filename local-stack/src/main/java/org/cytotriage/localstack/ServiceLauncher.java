package org.cytotriage.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cytotriage.infra.ManagedProcess;

/**
 * Runs one CytoTriage service from its packaged jar, in its production profile, configured through
 * the same environment variables a container gets, and waits until its readiness is UP.
 */
public final class ServiceLauncher {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final int port;
    private final ManagedProcess process;

    /** @param cpus the CPUs the process is bound to (a {@code taskset} list), or null for all */
    ServiceLauncher(Path projectRoot, String name, String instance, int port, Map<String, String> environment,
            String cpus, Path logDirectory) {
        this.name = name;
        this.port = port;
        Path jar = projectRoot.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the project first (./mvnw -DskipTests install)");
        }
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "--cpu-list", cpus)); // taskset execs java: same process
        }
        command.addAll(ManagedProcess.javaCommand("-Xmx512m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString()));
        this.process = new ManagedProcess(instance, command, environment, logDirectory.resolve(instance + ".log"));
    }

    /**
     * Starts the process and waits until its readiness is UP; after {@link #stop()} or {@link #kill()}
     * it starts again on the same port with the same configuration, its log appended to.
     */
    public void start() {
        process.start(this::ready, Duration.ofSeconds(120));
    }

    public void stop() {
        process.stop();
    }

    /** SIGKILL: the process gets no chance to finish or commit anything. */
    public void kill() {
        process.kill();
    }

    /** SIGSTOP: the process freezes where it is (no CPU), its connections open, until {@link #resume()}. */
    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    /** What the process has logged so far. */
    public String log() {
        try {
            return java.nio.file.Files.readString(process.logFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Whether {@code /q/health/ready} answers UP now. */
    public boolean isReady() {
        return ready();
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }
}
