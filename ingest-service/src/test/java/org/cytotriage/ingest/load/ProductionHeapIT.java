package org.cytotriage.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.cytotriage.events.registry.SchemaRegistration;
import org.cytotriage.infra.FreePorts;
import org.cytotriage.infra.KafkaBroker;
import org.cytotriage.infra.ManagedProcess;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.ingest.TestImages;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, in its production profile, configured by environment variables as its
 * container is, with the heap it has there: deploy/ gives the container 768 MiB and the JVM half of
 * it (-XX:MaxRAMPercentage=50, ingest-service.yaml), so 384 MiB, with the serial collector the JVM
 * picks on a container that size. An out-of-memory error ends the process, as it would the pod.
 */
class ProductionHeapIT {

    private static final int UPLOADS = 32;
    private static final int MEGABYTES = 40;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static ManagedProcess ingest;
    private static URI base;

    @BeforeAll
    static void startIngestWithItsProductionHeap() throws IOException {
        RealInfrastructure infra = RealInfrastructure.shared();
        // In production the deploy step registers the schemas; the service registers none.
        SchemaRegistration.register(infra.registry().apiUrl(), KafkaBroker.ADMIN, infra.registry().password(KafkaBroker.ADMIN));
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Path work = Files.createDirectories(infra.workDirectory().resolve("ingest-production-heap"));
        int port = FreePorts.next();
        base = URI.create("http://127.0.0.1:" + port);
        ingest = new ManagedProcess("ingest-service", ManagedProcess.javaCommand("-Xmx384m", "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString()),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers(), "REGISTRY_URL", infra.registry().apiUrl(),
                        "KAFKA_PASSWORD", infra.kafka().password("ingest-service"),
                        "REGISTRY_PASSWORD", infra.registry().password("ingest-service"),
                        "KAFKA_TRUSTSTORE", infra.kafka().trustedCertificates().toString(),
                        "IMAGE_STORE_DIR", work.resolve("image-store").toString(),
                        "CYTOTRIAGE_PSEUDONYM_KEY", "production-heap-test-pseudonym-key-0001",
                        "OIDC_AUTH_SERVER_URL", infra.identity().issuer()),
                work.resolve("ingest.log"));
        ingest.start(ProductionHeapIT::ready, Duration.ofSeconds(180));
    }

    @AfterAll
    static void stopIngest() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @Test
    void thirtyTwoFortyMegabyteUploadsAtOnceAreEachAcceptedOrToldToRetryAndLeaveTheServiceAliveAndReady() throws Exception {
        awaitAccepting();
        byte[] png = TestImages.largePng(MEGABYTES * 1024 * 1024);

        // Half as raw bodies (scanners), half as multipart forms (workstations), each for its own case.
        List<HttpResponse<String>> answers = IntStream.range(0, UPLOADS)
                .mapToObj(i -> HTTP.sendAsync(i % 2 == 0 ? raw("case-heap-" + i, png) : multipart("case-heap-" + i, png),
                        HttpResponse.BodyHandlers.ofString()))
                .toList().stream().map(CompletableFuture::join).toList();

        // The mix depends on the machine's speed; the build log keeps it.
        System.out.println("ProductionHeapIT: answers by status " + answers.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, TreeMap::new, Collectors.counting())));
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202, 503);
            if (answer.statusCode() == 503) {
                assertThat(answer.headers().firstValue("Retry-After")).as(answer.body()).isPresent();
            }
        });
        assertThat(ingest.isAlive()).as("still running (see %s)", ingest.logFile()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(ProductionHeapIT::ready);
        awaitAccepting();
        assertThat(Files.readString(ingest.logFile())).doesNotContain("OutOfMemoryError");
    }

    private static HttpRequest raw(String caseId, byte[] png) {
        return upload(caseId).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
    }

    private static HttpRequest multipart(String caseId, byte[] png) {
        String boundary = "cytotriage-" + caseId;
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"hospitalId\"\r\n\r\nhospital-heap\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + caseId + ".png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        return upload(caseId).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.US_ASCII),
                        HttpRequest.BodyPublishers.ofByteArray(png), HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.US_ASCII)))
                .build();
    }

    private static HttpRequest.Builder upload(String caseId) {
        return HttpRequest.newBuilder(base.resolve("/api/v1/cases/" + caseId + "/images")).timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-heap"));
    }

    /** Kafka's topic is created by the first event: wait until a small upload goes through. */
    private static void awaitAccepting() {
        byte[] small = TestImages.encoded("png", 90);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of(200, 202).contains(HTTP.send(raw("case-heap-warm-up", small), HttpResponse.BodyHandlers.ofString())
                        .statusCode()));
    }

    private static boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | InterruptedException notYet) {
            return false;
        }
    }
}
