package org.cytotriage.ingest.availability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.Tokens;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.RawHttp;
import org.cytotriage.ingest.TestImages;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(UploadCapTest.OneUploadAtATime.class)
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
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
        // 2 MB, so the refusal reads and drops a body still arriving before it answers.
        byte[] busyImage = TestImages.largePng(2_000_000);

        try (RawHttp.HeldUpload slow = RawHttp.startPost(cases.resolve("case-cap-slow/images"), pngFromScannerA(),
                TestImages.encoded("png", 80), 100)) {
            awaitInFlight(1);

            HttpResponse<String> refused = http.send(upload("case-cap-busy", busyImage), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue(availability.retryAfterSeconds());
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("urn:cytotriage:problem:too-many-uploads");
            // A sender that waits for 100 Continue is refused at once, before it sends its body.
            assertThat(RawHttp.postHeadOnly(cases.resolve("case-cap-early/images"), Map.of("Content-Type", "image/png",
                    "Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-a"), "Content-Length", String.valueOf(busyImage.length))))
                    .startsWith("HTTP/1.1 503").contains("urn:cytotriage:problem:too-many-uploads").containsIgnoringCase("retry-after: ");

            assertThat(slow.finish()).as("the upload that held the place").startsWith("HTTP/1.1 202");
        }
        awaitInFlight(0);
        assertThat(http.send(upload("case-cap-after", TestImages.encoded("png", 82)), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("the place is free again").isEqualTo(202);
    }

    /** Waits until ingest counts this many uploads in flight (its gauge on /q/metrics). */
    private static void awaitInFlight(int uploads) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(given().get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("cytotriage_ingest_uploads_in_flight")))
                .containsExactly("cytotriage_ingest_uploads_in_flight " + uploads + ".0"));
    }

    private HttpRequest upload(String caseId, byte[] image) {
        HttpRequest.Builder request = HttpRequest.newBuilder(cases.resolve(caseId + "/images")).timeout(Duration.ofSeconds(30));
        pngFromScannerA().forEach(request::header);
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
    }

    private static Map<String, String> pngFromScannerA() {
        return Map.of("Content-Type", "image/png", "Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-a"));
    }
}
