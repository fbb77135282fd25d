package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.RawHttp;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(UploadCapTest.OneUploadAtATime.class)
@WithTestResource(RealInfraTestResource.class)
class UploadCapTest {

    public static class OneUploadAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cytotriage.ingest.availability.max-uploads-in-flight", "1");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    Availability availability;

    @TestHTTPResource("/api/v1/cases/")
    URI cases;

    @Test
    void anUploadBeyondTheCapIsAnswered503WithRetryAfterWhileTheOneInFlightIsStillAccepted() throws Exception {
        assertThat(availability.maxUploadsInFlight()).isEqualTo(1);
        AcceptingIngest.awaitAccepting();
        // An upload's place is given back just after its answer is sent: wait until it is.
        awaitInFlight(0);
        byte[] slowImage = TestImages.encoded("png", 80);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(upload("case-cap-slow",
                HttpRequest.BodyPublishers.ofInputStream(() -> heldAfter(slowImage, 100, holding, release))), HttpResponse.BodyHandlers.ofString());
        // Its body is under way and ingest counts it in flight: from here it holds the one place.
        assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
        awaitInFlight(1);
        // 2 MB, so the refusal reads and drops a body still arriving before it answers.
        byte[] busyImage = TestImages.largePng(2_000_000);
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(slow).as("the upload holding the place").isNotDone();
                HttpResponse<String> refused = http.send(upload("case-cap-busy", HttpRequest.BodyPublishers.ofByteArray(busyImage)),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue(availability.retryAfterSeconds());
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(refused.body()).contains("urn:cytotriage:problem:too-many-uploads");
            });
            // A sender that waits for 100 Continue is refused at once, before it sends its body.
            assertThat(RawHttp.postHeadOnly(cases.resolve("case-cap-early/images"), Map.of("Content-Type", "image/png",
                    "X-Hospital-Id", "hospital-a", "Content-Length", String.valueOf(busyImage.length))))
                    .startsWith("HTTP/1.1 503").contains("urn:cytotriage:problem:too-many-uploads").containsIgnoringCase("retry-after: ");
        } finally {
            release.countDown();
        }

        assertThat(slow.get(30, TimeUnit.SECONDS).statusCode()).as("the upload that held the place").isEqualTo(202);
        awaitInFlight(0);
        assertThat(http.send(upload("case-cap-after", HttpRequest.BodyPublishers.ofByteArray(TestImages.encoded("png", 82))),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("the place is free again").isEqualTo(202);
    }

    /** Waits until ingest counts this many uploads in flight (its gauge on /q/metrics). */
    private static void awaitInFlight(int uploads) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(given().get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("cytotriage_ingest_uploads_in_flight")))
                .containsExactly("cytotriage_ingest_uploads_in_flight " + uploads + ".0"));
    }

    private HttpRequest upload(String caseId, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(cases.resolve(caseId + "/images")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "image/png").header("X-Hospital-Id", "hospital-a")
                .POST(body).build();
    }

    /** The bytes, with a pause after the first {@code held} of them (signalled on {@code holding}) until {@code release}. */
    private static InputStream heldAfter(byte[] bytes, int held, CountDownLatch holding, CountDownLatch release) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws InterruptedIOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
                if (position == held) {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                }
                if (position == bytes.length) {
                    return -1;
                }
                int end = position < held ? held : bytes.length;
                int n = Math.min(length, end - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
    }
}
