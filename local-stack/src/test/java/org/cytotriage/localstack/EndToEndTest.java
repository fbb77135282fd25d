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
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
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
                .body("[0].referenceMix.size()", org.hamcrest.Matchers.equalTo(3)).body("[0].predictions", org.hamcrest.Matchers.equalTo(1));

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
}
