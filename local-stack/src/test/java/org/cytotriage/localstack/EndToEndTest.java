package org.cytotriage.localstack;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.header.Headers;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.cytotriage.synthetic.ood.NonSmears;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * One image through everything: multipart POST to ingest -> image store -> ImageReceived ->
 * inference (ONNX Runtime) -> PredictionMade -> explain (Grad-CAM) -> ExplanationReady -> audit
 * (PostgreSQL) -> GET the case. Four service processes, a Kafka broker, the schema registry and
 * PostgreSQL all run for real.
 */
class EndToEndTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(false);
        System.out.printf("local stack (3 servers + 4 services) ready in %d ms%n", stack.startupTime().toMillis());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The trace id of a W3C {@code traceparent} header: version-traceid-spanid-flags. */
    private static String traceId(Headers headers) {
        var traceparent = headers.lastHeader("traceparent");
        return traceparent == null ? null : new String(traceparent.value(), java.nio.charset.StandardCharsets.UTF_8).split("-")[1];
    }

    /** A person of hospital-e2e with one role (an ml-engineer of no hospital), signed in to the stack's Keycloak. */
    private static RequestSpecification as(String role) {
        List<String> hospitals = role.equals("ml-engineer") ? List.of() : List.of("hospital-e2e");
        return given().auth().oauth2(stack.logins().person(Set.of(role), hospitals));
    }

    @Test
    void anUploadedImageEndsAsOneExplainedPredictionOnRecord() throws Exception {
        byte[] png = new SyntheticCytologyGenerator().generate(4242, BethesdaCategory.VI).pngBytes();
        String caseId = "e2e-" + Instant.now().toEpochMilli();
        Instant begin = Instant.now();

        String imageId = as("scanner").multiPart("image", "smear.png", png, "image/png")
                .when().post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images")
                .then().statusCode(202).extract().path("imageId");

        JsonPath found = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(
                () -> as("cytopathologist").when().get(stack.url("audit-service") + "/api/v1/cases/" + caseId).then().extract().jsonPath(),
                json -> json.get("images[0].explanation") != null);
        System.out.printf("end to end: upload to explained record in %d ms%n", Duration.between(begin, Instant.now()).toMillis());

        assertThat(found.getString("hospitalId")).isEqualTo("hospital-e2e");
        assertThat(found.getString("images[0].imageId")).isEqualTo(imageId);
        assertThat(found.getString("images[0].sha256")).isEqualTo(Sha256.hex(png));
        String group = found.getString("images[0].prediction.group");
        assertThat(group).isIn("BENIGN", "INDETERMINATE", "MALIGNANT");
        double sum = found.getDouble("images[0].prediction.probabilities.benign")
                + found.getDouble("images[0].prediction.probabilities.indeterminate")
                + found.getDouble("images[0].prediction.probabilities.malignant");
        assertThat(sum).isBetween(0.999999, 1.000001);
        assertThat(found.getString("images[0].prediction.model.name")).isEqualTo("thyroideffi-basic");
        assertThat(found.getString("images[0].prediction.model.sha256")).hasSize(64);
        assertThat(found.getString("images[0].explanation.group")).isEqualTo(group);
        assertThat(found.getString("images[0].explanation.model.sha256")).isEqualTo(found.getString("images[0].prediction.model.sha256"));
        List<Float> heatmap = found.getList("images[0].explanation.heatmap", Float.class);
        assertThat(heatmap).hasSize(found.getInt("images[0].explanation.rows") * found.getInt("images[0].explanation.cols"));
        assertThat(heatmap).allSatisfy(v -> assertThat(v).isBetween(0f, 1f));

        // One trace from the upload to the record: every event of this image carries the same trace id,
        // and audit recorded it with each.
        TopicReader topics = new TopicReader(stack.infrastructure());
        String traceId = traceId(topics.read(Topics.IMAGES, ImageReceived.class, e -> e.getImageId().equals(imageId),
                f -> !f.isEmpty(), Duration.ofSeconds(20)).get(0).headers());
        assertThat(traceId).as("the upload's trace").isNotNull().hasSize(32);
        assertThat(traceId(topics.read(Topics.PREDICTIONS, PredictionMade.class, e -> e.getImageId().equals(imageId),
                f -> !f.isEmpty(), Duration.ofSeconds(20)).get(0).headers())).as("inference continues it").isEqualTo(traceId);
        assertThat(traceId(topics.read(Topics.EXPLANATIONS, ExplanationReady.class, e -> e.getImageId().equals(imageId),
                f -> !f.isEmpty(), Duration.ofSeconds(20)).get(0).headers())).as("explain continues it").isEqualTo(traceId);
        assertThat(found.getString("images[0].traceId")).as("audit recorded it").isEqualTo(traceId);
        assertThat(found.getString("images[0].prediction.traceId")).isEqualTo(traceId);
        assertThat(found.getString("images[0].explanation.traceId")).isEqualTo(traceId);
        // The cytopathologist's final diagnosis, then the month's provisional audit holds the case; the
        // month under way cannot be drawn for good.
        as("cytopathologist").contentType("application/json").body("{\"bethesdaCategory\": \"VI\"}")
                .post(stack.url("audit-service") + "/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201)
                .body("recordedBy", org.hamcrest.Matchers.startsWith("t.cytopathologist"));
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        as("auditor").post(stack.url("audit-service") + "/api/v1/audit/samples/" + month + "?hospital=hospital-e2e").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.equalTo("urn:cytotriage:problem:month-not-closed"));
        as("auditor").get(stack.url("audit-service") + "/api/v1/audit/samples/" + month + "/provisional?hospital=hospital-e2e").then()
                .statusCode(200).body("label", org.hamcrest.Matchers.startsWith("PROVISIONAL"))
                .body("drawnCases", org.hamcrest.Matchers.equalTo(1)).body("caseIds[0]", org.hamcrest.Matchers.equalTo(caseId))
                .body("agreement", org.hamcrest.Matchers.equalTo(group.equals("MALIGNANT") ? 1.0f : 0.0f));
        // The live model's card (from the model directories) is the drift reference.
        as("ml-engineer").get(stack.url("audit-service") + "/api/v1/audit/drift?model=thyroideffi-basic").then().statusCode(200)
                .body("[0].referenceMix.size()", org.hamcrest.Matchers.equalTo(3))
                .body("[0].predictions", org.hamcrest.Matchers.greaterThanOrEqualTo(1)); // the class's other tests share the stack

        // Exactly one prediction on record in the database itself.
        var db = stack.infrastructure().postgres();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement query = connection.prepareStatement("select count(*) from predictions where image_id = ?")) {
            query.setString(1, imageId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    /** What the issue found: an all-black frame was MALIGNANT at 0.997. Now it gets no group and no heatmap, and says why. */
    @Test
    void anAllBlackFrameIsRecordedNotAssessableWithItsReasonsAndNoHeatmap() {
        byte[] black = ImageEncoding.jpeg(new NonSmears().draw(NonSmears.Kind.BLACK, 1));
        String caseId = "e2e-black-" + Instant.now().toEpochMilli();

        String imageId = as("scanner").multiPart("image", "black.jpg", black, "image/jpeg")
                .when().post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images")
                .then().statusCode(202).extract().path("imageId");

        JsonPath status = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(
                () -> as("cytopathologist").get(stack.url("audit-service") + "/api/v1/images/" + imageId + "/status").then().extract().jsonPath(),
                json -> "NOT_ASSESSABLE".equals(json.getString("state")));
        assertThat(status.getString("reason")).startsWith("blank");
        JsonPath found = as("cytopathologist").get(stack.url("audit-service") + "/api/v1/cases/" + caseId).then().statusCode(200)
                .extract().jsonPath();
        assertThat(found.getString("images[0].prediction.group")).isNull();
        assertThat(found.getBoolean("images[0].prediction.assessment.assessable")).isFalse();
        assertThat(found.getList("images[0].prediction.assessment.reasons", String.class)).isNotEmpty();
        assertThat(found.getBoolean("images[0].prediction.flaggedForReview")).isTrue();
        as("cytopathologist").get(stack.url("audit-service") + "/api/v1/cases?size=200").then().statusCode(200)
                .body("items.find { it.caseId == '" + caseId + "' }.notAssessableImages", org.hamcrest.Matchers.equalTo(1))
                .body("items.find { it.caseId == '" + caseId + "' }.predictedGroup", org.hamcrest.Matchers.nullValue());
        // explain-service drew nothing for it. A smear of the same case (the same key, so the same
        // partition, consumed after it) is explained: by then the black frame's prediction was read too.
        byte[] smear = new SyntheticCytologyGenerator().generate(4243, BethesdaCategory.II).jpegBytes();
        String smearId = as("scanner").multiPart("image", "smear.jpg", smear, "image/jpeg")
                .when().post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images")
                .then().statusCode(202).extract().path("imageId");
        var explained = new TopicReader(stack.infrastructure()).read(Topics.EXPLANATIONS, ExplanationReady.class,
                e -> e.getImageId().equals(imageId) || e.getImageId().equals(smearId),
                f -> f.stream().anyMatch(r -> r.value().getImageId().equals(smearId)), Duration.ofSeconds(90));
        assertThat(explained).extracting(r -> r.value().getImageId()).containsExactly(smearId);
    }

    /**
     * A hospital whose smears have looked like the training site's starts sending site B's: the week's
     * shift report raises its alarm from the images alone, before any diagnosis is recorded.
     */
    @Test
    void smearsFromAnotherSiteRaiseTheShiftAlarmBeforeAnyDiagnosis() {
        String hospital = "hospital-shift";
        String scanner = stack.logins().person(Set.of("scanner"), List.of(hospital));
        String auditor = stack.logins().person(Set.of("auditor"), List.of(hospital));
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        List<BethesdaCategory> categories = List.of(BethesdaCategory.values());
        List<String> images = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            images.add(upload(scanner, "shift-a-" + i, generator.generate(71_000 + i, categories.get(i % 6), Site.SITE_A).jpegBytes()));
        }
        awaitPredicted(images);
        JsonPath before = given().auth().oauth2(auditor).get(stack.url("audit-service") + "/api/v1/audit/shift?weeks=1").then()
                .statusCode(200).extract().jsonPath();
        System.out.printf("shift, 40 site A smears: %s%n", before.getList("$").toString());
        assertThat(before.getList("alarms[0]", String.class)).as("site A smears, as trained").isEmpty();

        for (int i = 0; i < 80; i++) {
            images.add(upload(scanner, "shift-b-" + i, generator.generate(72_000 + i, categories.get(i % 6), Site.SITE_B).jpegBytes()));
        }
        awaitPredicted(images);
        JsonPath after = given().auth().oauth2(auditor).get(stack.url("audit-service") + "/api/v1/audit/shift?weeks=1").then()
                .statusCode(200).extract().jsonPath();
        System.out.printf("shift, then 80 site B smears: %s%n", after.getList("$").toString());
        assertThat(after.getInt("images[0]")).isEqualTo(120);
        assertThat(after.getInt("confirmedCases[0]")).as("no diagnosis recorded").isZero();
        assertThat(after.getList("alarms[0]", String.class)).as("the shift to site B").isNotEmpty();
    }

    private static String upload(String token, String caseId, byte[] jpeg) {
        return given().auth().oauth2(token).multiPart("image", "smear.jpg", jpeg, "image/jpeg")
                .when().post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "-" + Instant.now().toEpochMilli() + "/images")
                .then().statusCode(202).extract().path("imageId");
    }

    private static void awaitPredicted(List<String> imageIds) {
        var db = stack.infrastructure().postgres();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    PreparedStatement query = connection.prepareStatement("select count(distinct image_id) from predictions where image_id = any (?)")) {
                query.setArray(1, connection.createArrayOf("varchar", imageIds.toArray()));
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == imageIds.size();
                }
            }
        });
    }
}
