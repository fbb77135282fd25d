package org.cytotriage.infra;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An Apicurio Registry 2.4 run from the project's own runner jar. Its H2 database is a file in the
 * work directory (the runner's default is in memory), so a registry killed and started again still
 * knows every schema id that records on the topics carry, as a production registry with storage does.
 */
final class RegistryProcess implements SchemaRegistry {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final int port;
    private final ManagedProcess process;

    private RegistryProcess(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    static RegistryProcess create(ProjectLayout layout, Path workDir) {
        int port = FreePorts.next();
        Path database = workDir.resolve("registry-" + port).resolve("registry").toAbsolutePath();
        return new RegistryProcess(port, new ManagedProcess("Apicurio Registry",
                ManagedProcess.javaCommand("-Xmx384m", "-XX:+UseSerialGC", "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + port, "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + database,
                        "-jar", layout.registryRunnerJar().toString()),
                workDir.resolve("registry.log")));
    }

    @Override
    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    @Override
    public void start() {
        process.start(this::ready, Duration.ofSeconds(90));
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public void kill() {
        process.kill();
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }
}
