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
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Orthanc, a real PACS (Debian's {@code orthanc} with its DICOMweb plugin, {@code orthanc-dicomweb};
 * .ci/run installs both from ingest-service/requirements-debian.txt), run as a child process in a
 * work directory of its own on a free port. Tests store studies in it through its REST API, name
 * ingest as one of its DICOMweb servers, and have it send studies there with its own STOW-RS client,
 * as a hospital's PACS would forward them.
 */
public final class OrthancProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ManagedProcess process;
    private final String baseUrl;

    private OrthancProcess(ManagedProcess process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts an empty Orthanc whose storage, index and log lie in {@code workDirectory}. */
    public static OrthancProcess start(Path workDirectory) {
        for (Path needed : List.of(BINARY, DICOMWEB_PLUGIN)) {
            if (!Files.exists(needed)) {
                throw new IllegalStateException(needed + " is missing: install Debian's orthanc and orthanc-dicomweb "
                        + "(ingest-service/requirements-debian.txt, which .ci/run installs)");
            }
        }
        int httpPort = FreePorts.next();
        int dicomPort = FreePorts.next();
        ObjectNode config = JSON.createObjectNode()
                .put("Name", "CYTOTRIAGE-TEST-PACS")
                .put("StorageDirectory", workDirectory.resolve("storage").toString())
                .put("IndexDirectory", workDirectory.resolve("index").toString())
                .put("HttpPort", httpPort)
                .put("DicomPort", dicomPort)
                .put("RemoteAccessAllowed", false)
                .put("AuthenticationEnabled", false)
                .put("HttpTimeout", 60);
        config.putArray("Plugins").add(DICOMWEB_PLUGIN.toString());
        config.putObject("DicomWeb").put("Enable", true).put("Root", "/dicom-web/");
        try {
            Files.createDirectories(workDirectory);
            Path configFile = workDirectory.resolve("orthanc.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
            String baseUrl = "http://127.0.0.1:" + httpPort;
            ManagedProcess process = new ManagedProcess("Orthanc", List.of(BINARY.toString(), configFile.toString()), Map.of(),
                    workDirectory.resolve("orthanc.log"));
            OrthancProcess orthanc = new OrthancProcess(process, baseUrl);
            process.start(orthanc::answers, Duration.ofSeconds(60));
            return orthanc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Orthanc in " + workDirectory, e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Stores one DICOM file (POST /instances); the answer names the instance and its study in Orthanc. */
    public JsonNode store(byte[] dicomFile) {
        return expect(send("POST", "/instances", HttpRequest.BodyPublishers.ofByteArray(dicomFile), "application/dicom"), 200, "store an instance");
    }

    /** Names a DICOMweb server Orthanc may send to, with the HTTP headers it sends (a bearer token, say). */
    public void addDicomWebServer(String name, String url, Map<String, String> httpHeaders) {
        ObjectNode server = JSON.createObjectNode().put("Url", url);
        ObjectNode headers = server.putObject("HttpHeaders");
        httpHeaders.forEach(headers::put);
        expect(send("PUT", "/dicom-web/servers/" + name, json(server), "application/json"), 200, "add DICOMweb server " + name);
    }

    /**
     * Has Orthanc send these resources (its ids of studies, series or instances) to a DICOMweb server
     * with its STOW-RS client, and waits for it to finish; Orthanc's answer, or its error.
     */
    public HttpResponse<String> stow(String server, List<String> resources) {
        ObjectNode body = JSON.createObjectNode().put("Synchronous", true);
        resources.forEach(body.putArray("Resources")::add);
        return send("POST", "/dicom-web/servers/" + server + "/stow", json(body), "application/json");
    }

    @Override
    public void close() {
        process.stop();
    }

    private boolean answers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/system")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2)).header("Content-Type", contentType)
                    .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach Orthanc at " + baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Orthanc", e);
        }
    }

    private static JsonNode expect(HttpResponse<String> answer, int status, String what) {
        if (answer.statusCode() != status) {
            throw new IllegalStateException("Orthanc would not " + what + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from Orthanc", e);
        }
    }
}
