package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keycloak run from test-infra/keycloak-server's built distribution, in a home of its own: bin/ is
 * a copy of the launcher (which takes its home from where it lies), lib/, themes/, providers/ and
 * conf/ are links to the shared build, data/ is this run's, so several runs never write to one
 * another's database and nothing rebuilds the server (start --optimized). It imports the project's
 * realm with the demo accounts merged in; the secrets and passwords the realm leaves as placeholders
 * are made up for this run and handed to the realm through the environment, as Keycloak's import
 * resolves them.
 */
final class KeycloakProcess implements IdentityProvider {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "bootstrap-admin";

    private final int port;
    private final ManagedProcess process;
    private final String workstationSecret;
    private final String scannerSecret;
    private final String pacsSecret;
    private final String demoPassword;
    private final String adminPassword;

    private KeycloakProcess(int port, ManagedProcess process, String workstationSecret, String scannerSecret, String pacsSecret, String demoPassword,
            String adminPassword) {
        this.port = port;
        this.process = process;
        this.workstationSecret = workstationSecret;
        this.scannerSecret = scannerSecret;
        this.pacsSecret = pacsSecret;
        this.demoPassword = demoPassword;
        this.adminPassword = adminPassword;
    }

    static KeycloakProcess create(ProjectLayout layout, Path workDir) {
        int port = FreePorts.next();
        int managementPort = FreePorts.next();
        Path home = workDir.resolve("keycloak-" + port).toAbsolutePath();
        Path distribution = layout.keycloakHome();
        try {
            Files.createDirectories(home.resolve("bin"));
            Files.copy(distribution.resolve("bin/kc.sh"), home.resolve("bin/kc.sh"));
            for (String shared : List.of("lib", "themes", "providers", "conf", "version.txt")) {
                Files.createSymbolicLink(home.resolve(shared), distribution.resolve(shared));
            }
            Path imports = Files.createDirectories(home.resolve("data/import"));
            JSON.writeValue(imports.resolve(REALM + "-realm.json").toFile(),
                    withDemoAccounts(layout.realmFile("cytotriage-realm.json"), layout.realmFile("demo-accounts.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Keycloak home in " + home, e);
        }
        String workstationSecret = Secrets.random();
        String scannerSecret = Secrets.random();
        String pacsSecret = Secrets.random();
        String demoPassword = "demo-" + Secrets.random().substring(0, 16);
        String adminPassword = Secrets.random();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("JAVA_HOME", Path.of(ManagedProcess.javaBinary()).getParent().getParent().toString());
        environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        environment.put("CYTOTRIAGE_WORKSTATION_CLIENT_SECRET", workstationSecret);
        environment.put("CYTOTRIAGE_SCANNER_SECRET", scannerSecret);
        environment.put("CYTOTRIAGE_PACS_SECRET", pacsSecret);
        environment.put("CYTOTRIAGE_DEMO_PASSWORD", demoPassword);
        ManagedProcess process = new ManagedProcess("Keycloak", List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
                "--hostname-strict=false", "--import-realm"), environment, workDir.resolve("keycloak.log"));
        return new KeycloakProcess(port, process, workstationSecret, scannerSecret, pacsSecret, demoPassword, adminPassword);
    }

    /** The realm as deployments import it, plus the demo users and the scanners' clients. */
    static ObjectNode withDemoAccounts(Path realmFile, Path demoFile) throws IOException {
        ObjectNode realm = (ObjectNode) JSON.readTree(realmFile.toFile());
        ObjectNode demo = (ObjectNode) JSON.readTree(demoFile.toFile());
        realm.set("users", demo.get("users"));
        ((ArrayNode) realm.withArray("clients")).addAll((ArrayNode) demo.get("clients"));
        return realm;
    }

    @Override
    public String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String adminUsername() {
        return ADMIN;
    }

    @Override
    public String adminPassword() {
        return adminPassword;
    }

    @Override
    public String clientSecret(String clientId) {
        if (WORKSTATION_CLIENT.equals(clientId)) {
            return workstationSecret;
        }
        if (clientId.startsWith("scanner-")) {
            return scannerSecret;
        }
        if (clientId.startsWith("pacs-")) {
            return pacsSecret;
        }
        throw new IllegalArgumentException("no confidential client '" + clientId + "' in the demo realm");
    }

    @Override
    public String demoPassword() {
        return demoPassword;
    }

    @Override
    public void start() {
        process.start(this::ready, Duration.ofSeconds(180));
    }

    @Override
    public void stop() {
        process.stop();
    }

    /** Ready once the realm is imported and its discovery document is served. */
    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
