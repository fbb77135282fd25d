package org.cytotriage.audit.casefile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DicomRef;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class CaseFileRecorderTest {

    private static final ImageRef IMAGE = AuditEvents.imageRef("sha256/ab/" + "ab".repeat(32));
    private static final byte[] OVERLAY_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    private static final ModelRef MODEL = AuditEvents.MODEL;

    @Inject
    ImageStore store;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @Test
    void recordsImagePredictionAndExplanationAndServesTheCase() {
        String caseId = "case-audit-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        PredictionMade prediction = prediction(caseId, imageId);
        byte[] jpeg = ("jpeg bytes of " + imageId).getBytes(StandardCharsets.UTF_8);
        String imageKey = store.put("hospital-a", jpeg);
        ExplanationReady explanation = AuditEvents.explanation(prediction);
        explanation.setOverlayKey(store.put("hospital-a", OVERLAY_PNG));
        // Out of order on purpose: the explanation and prediction may overtake the image.
        writer.send(Topics.EXPLANATIONS, caseId, explanation);
        writer.send(Topics.PREDICTIONS, caseId, prediction);
        ImageReceived image = image(caseId, imageId);
        image.setImage(ImageRef.newBuilder(IMAGE).setKey(imageKey).build());
        writer.send(Topics.IMAGES, caseId, image);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                As.cytopathologist("hospital-a").when().get("/api/v1/cases/" + caseId).then().statusCode(200)
                        .body("hospitalId", equalTo("hospital-a"))
                        .body("images[0].imageId", equalTo(imageId))
                        .body("images[0].prediction.group", equalTo("MALIGNANT"))
                        .body("images[0].prediction.probabilities.malignant", equalTo(0.7f))
                        .body("images[0].prediction.model.sha256", equalTo("c".repeat(64)))
                        .body("images[0].explanation.rows", equalTo(7))
                        .body("images[0].explanation.heatmap[30]", equalTo(1.0f))
                        .body("images[0].originalUrl", equalTo("/api/v1/images/" + imageId + "/original"))
                        .body("images[0].explanation.overlayUrl", equalTo("/api/v1/images/" + imageId + "/overlay")));

        byte[] original = As.cytopathologist("hospital-a").when().get("/api/v1/images/" + imageId + "/original").then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray();
        assertThat(original).isEqualTo(jpeg);
        byte[] overlay = As.cytopathologist("hospital-a").when().get("/api/v1/images/" + imageId + "/overlay").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertThat(overlay).isEqualTo(OVERLAY_PNG);
    }

    @Test
    void anImageThatCameFromAPacsKeepsItsStudySeriesAndInstanceUidsOnRecord() {
        String caseId = "case-audit-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        ImageReceived image = image(caseId, imageId);
        image.setSource("dicomweb");
        image.setDicom(DicomRef.newBuilder().setStudyInstanceUid("1.2.826.0.1.3680043.10.1199.7")
                .setSeriesInstanceUid("1.2.826.0.1.3680043.10.1199.7.1").setSopInstanceUid("1.2.826.0.1.3680043.10.1199.7.1.1")
                .setSopClassUid("1.2.840.10008.5.1.4.1.1.77.1.2").build());
        writer.send(Topics.IMAGES, caseId, image);
        String other = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, image(caseId, other));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                As.cytopathologist("hospital-a").when().get("/api/v1/cases/" + caseId).then().statusCode(200)
                        .body("images.find { it.imageId == '" + imageId + "' }.dicom.studyInstanceUid", equalTo("1.2.826.0.1.3680043.10.1199.7"))
                        .body("images.find { it.imageId == '" + imageId + "' }.dicom.seriesInstanceUid",
                                equalTo("1.2.826.0.1.3680043.10.1199.7.1"))
                        .body("images.find { it.imageId == '" + imageId + "' }.dicom.sopInstanceUid",
                                equalTo("1.2.826.0.1.3680043.10.1199.7.1.1"))
                        .body("images.find { it.imageId == '" + imageId + "' }.dicom.sopClassUid", equalTo("1.2.840.10008.5.1.4.1.1.77.1.2"))
                        .body("images.find { it.imageId == '" + other + "' }.dicom", org.hamcrest.Matchers.nullValue()));
    }

    @Test
    void imageWithoutOverlayOrUnknownImageIsA404Problem() {
        As.cytopathologist("hospital-a").when().get("/api/v1/images/no-such-image/original").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("detail", containsString("no-such-image"));
        As.cytopathologist("hospital-a").when().get("/api/v1/images/no-such-image/overlay").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("title", equalTo("No overlay"));
    }

    @Test
    void redeliveredEventsAddNoSecondRecord() {
        String caseId = "case-audit-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        ImageReceived image = image(caseId, imageId);
        PredictionMade prediction = prediction(caseId, imageId);
        // The same prediction by the same model, published twice under a new event id (a producer retry
        // after a crash), and the very same events delivered twice.
        PredictionMade republished = PredictionMade.newBuilder(prediction).setEventId(UUID.randomUUID().toString()).build();
        for (int i = 0; i < 2; i++) {
            writer.send(Topics.IMAGES, caseId, image);
            writer.send(Topics.PREDICTIONS, caseId, prediction);
        }
        writer.send(Topics.PREDICTIONS, caseId, republished);
        String marker = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, image(caseId, marker));

        // Records of one case arrive in order on each topic: once the marker is in, the duplicates were seen.
        await().atMost(Duration.ofSeconds(30)).until(() -> As.cytopathologist("hospital-a").get("/api/v1/cases/" + caseId).statusCode() == 200
                && As.cytopathologist("hospital-a").get("/api/v1/cases/" + caseId).jsonPath().getList("images").size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> As.cytopathologist("hospital-a").get("/api/v1/cases/" + caseId).jsonPath()
                .getString("images.find { it.imageId == '" + imageId + "' }.prediction.group") != null);
        assertThat(countPredictions(imageId)).isEqualTo(1);
    }

    @Test
    void unknownCaseIsA404Problem() {
        As.cytopathologist("hospital-a").when().get("/api/v1/cases/no-such-case").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no-such-case"));
    }

    @jakarta.transaction.Transactional
    long countPredictions(String imageId) {
        return PredictionRecord.count("imageId", imageId);
    }

    private static ImageReceived image(String caseId, String imageId) {
        return AuditEvents.image(caseId, "hospital-a", imageId, IMAGE.getKey(), Instant.now());
    }

    private static PredictionMade prediction(String caseId, String imageId) {
        return AuditEvents.prediction(caseId, "hospital-a", imageId, MODEL, Instant.now(), 0.1, 0.2, 0.7, false);
    }
}
