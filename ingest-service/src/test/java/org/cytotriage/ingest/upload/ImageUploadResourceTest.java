package org.cytotriage.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.RawHttp;
import org.cytotriage.ingest.Scanners;
import org.cytotriage.ingest.TestImages;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.pseudonym.CasePseudonyms;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class ImageUploadResourceTest {

    private final TopicReader topic = new TopicReader(RealInfrastructure.shared());

    private static final int FILE_NAME_LIMIT = FieldLimits.maxLength(ImageReceived.getClassSchema(), "originalFileName").orElseThrow();
    private static final int CASE_ID_LIMIT = FieldLimits.maxLength(ImageReceived.getClassSchema(), "caseId").orElseThrow();

    @ConfigProperty(name = "cytotriage.image-store.directory")
    Path imageStore;

    /** Records are keyed by the case pseudonym (support.pseudonym), which CasePseudonymsTest checks against openssl. */
    @Inject
    CasePseudonyms pseudonyms;

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    Path multipartUploads;

    @ConfigProperty(name = "cytotriage.ingest.limits.max-bytes")
    MemorySize maxBytes;

    @TestHTTPResource("/api/v1/cases/case-too-large/images")
    URI tooLargeUpload;

    @BeforeEach
    void ingestAccepts() {
        AcceptingIngest.awaitAccepting();
    }

    @Test
    void acceptedImageIsStoredByContentAndPublishedOnceKeyedByCase() throws Exception {
        byte[] png = TestImages.encoded("png", 1);
        String sha256 = Sha256.hex(png);

        String imageId = Scanners.of("hospital-a").multiPart("image", "smear.png", png, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-upload-1/images")
                .then().statusCode(202).body("sha256", equalTo(sha256)).body("published", equalTo(true))
                .extract().path("imageId");

        assertThat(Files.readAllBytes(imageStore.resolve("hospital-a/sha256/" + sha256.substring(0, 2) + "/" + sha256))).isEqualTo(png);
        List<ConsumerRecord<String, ImageReceived>> events = published(imageId, 1);
        assertThat(events).hasSize(1);
        ImageReceived event = events.get(0).value();
        assertThat(events.get(0).key()).as("the case's pseudonym, never its id").isEqualTo(pseudonyms.of("case-upload-1"));
        assertThat(event.getHospitalId()).isEqualTo("hospital-a");
        assertThat(event.getImage().getMediaType()).isEqualTo("image/png");
        assertThat(event.getImage().getWidth()).isEqualTo(320);
        assertThat(event.getImage().getHeight()).isEqualTo(240);
        assertThat(event.getOriginalFileName()).isEqualTo("smear.png");

        // The same bytes for the same case: same id, no second event.
        Scanners.of("hospital-a").multiPart("image", "again.png", png, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-upload-1/images")
                .then().statusCode(200).body("imageId", equalTo(imageId)).body("published", equalTo(false));
        assertThat(published(imageId, 2)).as("no second event for the same bytes").hasSize(1);
    }

    @Test
    void rawJpegBodyIsAcceptedForTheScannersHospital() {
        byte[] jpeg = TestImages.encoded("jpeg", 2);
        String imageId = Scanners.of("hospital-b").contentType("image/jpeg").body(jpeg)
                .when().post("/api/v1/cases/case-raw-1/images")
                .then().statusCode(202).extract().path("imageId");
        assertThat(published(imageId, 1)).singleElement()
                .satisfies(record -> assertThat(record.value().getImage().getMediaType()).isEqualTo("image/jpeg"));
    }

    @Test
    void textIsRefusedWith415ProblemAndNothingPublished() {
        byte[] text = "this is not an image".getBytes(StandardCharsets.UTF_8);
        Scanners.of("hospital-a").multiPart("image", "smear.png", text, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-bad-1/images")
                .then().statusCode(415).contentType("application/problem+json")
                .body("status", equalTo(415))
                .body("detail", containsString("not a JPEG, PNG or TIFF"));
        assertThat(publishedForCase("case-bad-1")).isEmpty();
    }

    @Test
    void truncatedPngIsRefusedWith422Problem() {
        byte[] png = TestImages.encoded("png", 3);
        byte[] truncated = Arrays.copyOf(png, png.length / 3);
        Scanners.of("hospital-a").multiPart("image", "cut.png", truncated, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-bad-2/images")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("cannot be decoded"));
        assertThat(publishedForCase("case-bad-2")).isEmpty();
    }

    @Test
    void truncatedJpegIsRefusedWith422Problem() {
        byte[] jpeg = TestImages.encoded("jpg", 5);
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        Scanners.of("hospital-a").contentType("image/jpeg").body(truncated)
                .when().post("/api/v1/cases/case-bad-5/images")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("end-of-image marker"));
        assertThat(publishedForCase("case-bad-5")).isEmpty();
    }

    @Test
    void theHospitalComesFromTheScannersTokenWhenTheRequestNamesNone() {
        String imageId = Scanners.of("hospital-c").multiPart("image", "smear.png", TestImages.encoded("png", 4), "image/png")
                .when().post("/api/v1/cases/case-own-1/images")
                .then().statusCode(202).extract().path("imageId");
        assertThat(published(imageId, 1)).singleElement()
                .satisfies(record -> assertThat(record.value().getHospitalId()).isEqualTo("hospital-c"));
    }

    @Test
    void anUploadNamingAnotherHospitalIsRefusedWith403ProblemAndNothingIsPublished() {
        Scanners.of("hospital-c").multiPart("image", "smear.png", TestImages.encoded("png", 5), "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-bad-3/images")
                .then().statusCode(403).contentType(ContentType.fromContentType("application/problem+json"))
                .body("type", equalTo("urn:cytotriage:problem:foreign-hospital")).body("detail", containsString("hospital-c"));
        Scanners.of("hospital-c").contentType("image/png").header("X-Hospital-Id", "hospital-a").body(TestImages.encoded("png", 5))
                .when().post("/api/v1/cases/case-bad-3/images").then().statusCode(403);
        assertThat(publishedForCase("case-bad-3")).isEmpty();
    }

    @Test
    void anUploadWithoutATokenOrFromAnAccountThatMayNotUploadIsRefused() {
        given().contentType("image/png").body(TestImages.encoded("png", 6)).when().post("/api/v1/cases/case-bad-6/images")
                .then().statusCode(401);
        given().auth().oauth2(Tokens.of(Roles.AUDITOR, "hospital-a")).contentType("image/png").body(TestImages.encoded("png", 6))
                .when().post("/api/v1/cases/case-bad-6/images").then().statusCode(403);
        given().auth().oauth2(Tokens.expired(Roles.SCANNER, "hospital-a")).contentType("image/png").body(TestImages.encoded("png", 6))
                .when().post("/api/v1/cases/case-bad-6/images").then().statusCode(401);
        assertThat(publishedForCase("case-bad-6")).isEmpty();
    }

    @Test
    void aFileNameOfExactlyTheSchemasLimitIsKeptWhole() {
        String name = "s".repeat(FILE_NAME_LIMIT - 4) + ".png";
        String imageId = uploadNamed("case-name-1", name, 11).then().statusCode(202).extract().path("imageId");
        assertThat(published(imageId, 1)).singleElement()
                .satisfies(record -> assertThat(record.value().getOriginalFileName()).isEqualTo(name));
    }

    @Test
    void aFileNameOneCharacterPastTheSchemasLimitIsRefusedWith422AndNothingIsPublished() {
        uploadNamed("case-name-2", "s".repeat(FILE_NAME_LIMIT - 3) + ".png", 12).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:cytotriage:problem:invalid-file-name"))
                .body("detail", containsString("has " + (FILE_NAME_LIMIT + 1) + " characters; at most " + FILE_NAME_LIMIT));
        assertThat(publishedForCase("case-name-2")).isEmpty();
    }

    @Test
    void aThreeHundredCharacterFileNameIsRefusedWith422Problem() {
        uploadNamed("case-name-3", "n".repeat(296) + ".png", 13).then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("has 300 characters"));
        assertThat(publishedForCase("case-name-3")).isEmpty();
    }

    @Test
    void aFileNameWithAControlCharacterOrAPathIsRefusedWith422Problem() {
        uploadNamed("case-name-4", "smear\u0007.png", 14).then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("U+0007"));
        uploadNamed("case-name-4", "smear\tone.png", 14).then().statusCode(422).body("detail", containsString("U+0009"));
        uploadNamed("case-name-4", "../smear.png", 14).then().statusCode(422).body("detail", containsString("'/'"));
        uploadNamed("case-name-4", "C:\\scans\\smear.png", 14).then().statusCode(422).body("type", equalTo("urn:cytotriage:problem:invalid-file-name"));
        assertThat(publishedForCase("case-name-4")).isEmpty();
    }

    @Test
    void aCaseIdAsLongAsTheSchemaAllowsIsAcceptedAndOneLongerIsRefused() {
        String longest = "c".repeat(CASE_ID_LIMIT);
        Scanners.of("hospital-a").contentType("image/png").body(TestImages.encoded("png", 15))
                .when().post("/api/v1/cases/" + longest + "/images").then().statusCode(202);
        Scanners.of("hospital-a").contentType("image/png").body(TestImages.encoded("png", 15))
                .when().post("/api/v1/cases/" + longest + "c/images").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("caseId must be 1-" + CASE_ID_LIMIT));
    }

    /** The HTTP layer's limit and ingest's are one number, and a body past it gets the same problem however it is sent. */
    @Test
    void aBodyDeclaredLargerThanTheUploadLimitIsRefusedWith413ProblemBeforeItIsSent() throws Exception {
        long limit = maxBytes.asLongValue();
        String answer = RawHttp.postHeadOnly(tooLargeUpload, Map.of("Content-Type", "image/jpeg", "Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-a"),
                "Content-Length", String.valueOf(limit + 1)));

        assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                .contains("urn:cytotriage:problem:image-too-large")
                .contains("the upload has " + (limit + 1) + " bytes; at most " + limit + " are accepted");
    }

    @Test
    void aBodySentWithoutItsLengthIsRefusedWithTheSame413ProblemOncePastTheLimit() throws Exception {
        long limit = maxBytes.asLongValue();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // ofInputStream: chunked, no Content-Length; one byte past the limit, so it is all sent when refused.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tooLargeUpload).header("Content-Type", "image/jpeg")
                .header("Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-a"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[(int) limit + 1]))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("urn:cytotriage:problem:image-too-large")
                .contains("the upload has more than " + limit + " bytes; at most " + limit + " are accepted");
        assertThat(filesUnder(imageStore.resolve("incoming"))).as("the store's staging files").isEmpty();
    }

    @Test
    void noTemporaryFileOutlivesItsRequestWhateverTheAnswer() {
        uploadNamed("case-temp-1", "smear.png", 16).then().statusCode(202);
        Scanners.of("h").multiPart("image", "smear.png", "not an image".getBytes(StandardCharsets.UTF_8), "image/png").multiPart("hospitalId", "h")
                .when().post("/api/v1/cases/case-temp-2/images").then().statusCode(415);
        byte[] png = TestImages.encoded("png", 17);
        Scanners.of("h").multiPart("image", "cut.png", Arrays.copyOf(png, png.length / 2), "image/png").multiPart("hospitalId", "h")
                .when().post("/api/v1/cases/case-temp-3/images").then().statusCode(422);
        Scanners.of("h").contentType("image/png").body(Arrays.copyOf(png, png.length / 2))
                .when().post("/api/v1/cases/case-temp-4/images").then().statusCode(422);

        // Quarkus removes a request's multipart files once the response is sent: wait for that, not for a fixed time.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesUnder(multipartUploads)).isEmpty());
        assertThat(multipartUploads).as("where the multipart files were written").isDirectory();
        assertThat(filesUnder(imageStore.resolve("incoming"))).as("the store's staging files").isEmpty();
    }

    private io.restassured.response.Response uploadNamed(String caseId, String fileName, int seed) {
        return Scanners.of("hospital-a").multiPart("image", fileName, TestImages.encoded("png", seed), "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/" + caseId + "/images");
    }

    private static List<Path> filesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<ConsumerRecord<String, ImageReceived>> published(String imageId, int enough) {
        return topic.read(Topics.IMAGES, ImageReceived.class, e -> e.getImageId().equals(imageId),
                found -> found.size() >= enough, Duration.ofSeconds(enough == 1 ? 20 : 5));
    }

    private List<ConsumerRecord<String, ImageReceived>> publishedForCase(String caseId) {
        return topic.read(Topics.IMAGES, ImageReceived.class, e -> e.getCaseId().equals(caseId),
                found -> !found.isEmpty(), Duration.ofSeconds(3));
    }
}
