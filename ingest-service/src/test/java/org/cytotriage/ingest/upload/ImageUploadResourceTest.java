package org.cytotriage.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.ingest.TestImages;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class ImageUploadResourceTest {

    private final TopicReader topic = new TopicReader(RealInfrastructure.shared());

    @ConfigProperty(name = "cytotriage.image-store.directory")
    Path imageStore;

    @Test
    void acceptedImageIsStoredByContentAndPublishedOnceKeyedByCase() throws Exception {
        byte[] png = TestImages.encoded("png", 1);
        String sha256 = Sha256.hex(png);

        String imageId = given().multiPart("image", "smear.png", png, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-upload-1/images")
                .then().statusCode(202).body("sha256", equalTo(sha256)).body("published", equalTo(true))
                .extract().path("imageId");

        assertThat(Files.readAllBytes(imageStore.resolve("sha256/" + sha256.substring(0, 2) + "/" + sha256))).isEqualTo(png);
        List<ConsumerRecord<String, ImageReceived>> events = published(imageId, 1);
        assertThat(events).hasSize(1);
        ImageReceived event = events.get(0).value();
        assertThat(events.get(0).key()).isEqualTo("case-upload-1");
        assertThat(event.getHospitalId()).isEqualTo("hospital-a");
        assertThat(event.getImage().getMediaType()).isEqualTo("image/png");
        assertThat(event.getImage().getWidth()).isEqualTo(320);
        assertThat(event.getImage().getHeight()).isEqualTo(240);
        assertThat(event.getOriginalFileName()).isEqualTo("smear.png");

        // The same bytes for the same case: same id, no second event.
        given().multiPart("image", "again.png", png, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-upload-1/images")
                .then().statusCode(200).body("imageId", equalTo(imageId)).body("published", equalTo(false));
        assertThat(published(imageId, 2)).as("no second event for the same bytes").hasSize(1);
    }

    @Test
    void rawJpegBodyIsAcceptedWithTheHospitalInAHeader() {
        byte[] jpeg = TestImages.encoded("jpeg", 2);
        String imageId = given().contentType("image/jpeg").header("X-Hospital-Id", "hospital-b").body(jpeg)
                .when().post("/api/v1/cases/case-raw-1/images")
                .then().statusCode(202).extract().path("imageId");
        assertThat(published(imageId, 1)).singleElement()
                .satisfies(record -> assertThat(record.value().getImage().getMediaType()).isEqualTo("image/jpeg"));
    }

    @Test
    void textIsRefusedWith415ProblemAndNothingPublished() {
        byte[] text = "this is not an image".getBytes(StandardCharsets.UTF_8);
        given().multiPart("image", "smear.png", text, "image/png").multiPart("hospitalId", "hospital-a")
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
        given().multiPart("image", "cut.png", truncated, "image/png").multiPart("hospitalId", "hospital-a")
                .when().post("/api/v1/cases/case-bad-2/images")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("cannot be decoded"));
        assertThat(publishedForCase("case-bad-2")).isEmpty();
    }

    @Test
    void truncatedJpegIsRefusedWith422Problem() {
        byte[] jpeg = TestImages.encoded("jpg", 5);
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        given().contentType("image/jpeg").header("X-Hospital-Id", "hospital-a").body(truncated)
                .when().post("/api/v1/cases/case-bad-5/images")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("end-of-image marker"));
        assertThat(publishedForCase("case-bad-5")).isEmpty();
    }

    @Test
    void missingHospitalIsRefusedWith422Problem() {
        given().multiPart("image", "smear.png", TestImages.encoded("png", 4), "image/png")
                .when().post("/api/v1/cases/case-bad-3/images")
                .then().statusCode(422).contentType(ContentType.fromContentType("application/problem+json"))
                .body("detail", containsString("hospitalId"));
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
