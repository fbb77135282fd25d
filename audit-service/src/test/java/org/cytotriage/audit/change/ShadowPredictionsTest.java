package org.cytotriage.audit.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.Assessment;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.config.JsonPathConfig;

/**
 * A candidate's predictions in shadow are kept apart (never a result: not in the case view, not in
 * the metrics), and the comparison with the live model is what the inputs say: the expected figures
 * are computed here from the probabilities and diagnoses below, not by the code under test.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class ShadowPredictionsTest {

    private static final String[] GROUPS = {"BENIGN", "INDETERMINATE", "MALIGNANT"};
    private static final Instant AT = Instant.parse("2027-04-01T09:00:00Z");

    /** Figures compared as doubles, as the API writes them (RestAssured reads JSON numbers as floats otherwise). */
    private static final RestAssuredConfig DOUBLES = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    /** One image of its own case: both models' probabilities, whether the candidate assessed it, the final diagnosis (null: none yet). */
    private record Image(String caseId, String hospital, double[] live, double[] shadow, boolean shadowAssessed, String bethesda) {
    }

    @Test
    void aShadowPredictionIsNeverAResultNotInTheCaseViewNorInTheMetrics() {
        String name = "apart-" + UUID.randomUUID().toString().substring(0, 8);
        ModelRef candidate = ChangeEvents.model(name, "2.0.0");
        String caseId = "case-apart-" + UUID.randomUUID().toString().substring(0, 8);
        String imageId = UUID.randomUUID().toString();
        writer.send(Topics.IMAGES, caseId, AuditEvents.image(caseId, "hospital-a", imageId, "sha256/ab/" + imageId, AT));
        PredictionMade shadow = AuditEvents.prediction(caseId, "hospital-a", imageId, candidate, AT.plusSeconds(1), 0.1, 0.2, 0.7, false);
        writer.send(Topics.SHADOW_PREDICTIONS, caseId, shadow);
        writer.send(Topics.SHADOW_PREDICTIONS, caseId, shadow); // redelivered
        writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, "hospital-a", "VI", 1, AT.plusSeconds(2)));

        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> ShadowPredictionRecord.count("imageId", imageId)) == 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-a").get("/api/v1/cases/" + caseId
                + "/diagnoses").then().statusCode(200));
        As.cytopathologist("hospital-a").get("/api/v1/cases/" + caseId).then().statusCode(200)
                .body("images.size()", equalTo(1)).body("images[0].prediction", nullValue());
        As.auditor("hospital-a").get("/api/v1/audit/metrics?hospital=hospital-a&model=" + name).then().statusCode(200)
                .body("metrics.cases", equalTo(0)).body("assessability.images", equalTo(0));
        As.auditor("hospital-a").get("/api/v1/predictions?hospital=hospital-a&model=" + name).then().statusCode(200)
                .body("total", equalTo(0));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ShadowPredictionRecord.count("imageId", imageId))).isEqualTo(1);
    }

    @Test
    void theComparisonCountsAgreementListsEachDisagreementWithBothPredictionsAndScoresBothOnTheCasesConfirmed() {
        String name = "shadow-" + UUID.randomUUID().toString().substring(0, 8);
        ModelRef live = ChangeEvents.model(name, "1.0.0");
        ModelRef candidate = ChangeEvents.model(name, "1.1.0");
        List<Image> images = List.of(
                new Image(id("c1"), "hospital-s1", p(0.8, 0.1, 0.1), p(0.7, 0.2, 0.1), true, "II"),
                new Image(id("c2"), "hospital-s1", p(0.2, 0.7, 0.1), p(0.1, 0.3, 0.6), true, "V"),
                new Image(id("c3"), "hospital-s1", p(0.6, 0.3, 0.1), p(0.2, 0.7, 0.1), true, "V"),
                new Image(id("c4"), "hospital-s1", p(0.1, 0.2, 0.7), p(0.1, 0.1, 0.8), true, "VI"),
                new Image(id("c5"), "hospital-s1", p(0.5, 0.4, 0.1), p(0.3, 0.5, 0.2), true, null),
                new Image(id("c6"), "hospital-s2", p(0.3, 0.6, 0.1), p(0.2, 0.7, 0.1), true, "IV"),
                new Image(id("c7"), "hospital-s1", p(0.7, 0.2, 0.1), p(0.6, 0.3, 0.1), false, "II"));
        List<String> imageIds = new ArrayList<>();
        List<PredictionMade> livePredictions = new ArrayList<>();
        List<PredictionMade> shadowPredictions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image image = images.get(i);
            String imageId = UUID.randomUUID().toString();
            imageIds.add(imageId);
            livePredictions.add(AuditEvents.prediction(image.caseId(), image.hospital(), imageId, live, AT.plusSeconds(i), image.live()[0],
                    image.live()[1], image.live()[2], false));
            PredictionMade shadow = AuditEvents.prediction(image.caseId(), image.hospital(), imageId, candidate, AT.plusSeconds(i + 1),
                    image.shadow()[0], image.shadow()[1], image.shadow()[2], false);
            if (!image.shadowAssessed()) {
                shadow.setAssessment(Assessment.newBuilder().setVerdict(AssessabilityVerdict.NOT_ASSESSABLE).setReasons(List.of("out of focus"))
                        .setOutOfDistribution(3.2).setCoverage(0.4).setContrast(20).setFocus(1).build());
            }
            shadowPredictions.add(shadow);
        }
        // A shadow prediction of an image the live model has not predicted: nothing to compare it with.
        String alone = UUID.randomUUID().toString();
        shadowPredictions.add(AuditEvents.prediction(id("c8"), "hospital-s1", alone, candidate, AT, 0.1, 0.1, 0.8, false));
        writer.sendAll(Topics.PREDICTIONS, livePredictions, PredictionMade::getCaseId);
        writer.sendAll(Topics.SHADOW_PREDICTIONS, shadowPredictions, PredictionMade::getCaseId);
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> ShadowPredictionRecord.count("modelName", name)) == images.size() + 1);
        for (Image image : images) {
            if (image.bethesda() != null) {
                writer.send(Topics.DIAGNOSES, image.caseId(), AuditEvents.diagnosis(image.caseId(), image.hospital(), image.bethesda(), 1,
                        AT.plusSeconds(60)));
            }
        }

        // What the inputs say, computed here.
        List<String> disagreeing = new ArrayList<>();
        List<String[]> confirmedLive = new ArrayList<>();
        List<String[]> confirmedShadow = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image image = images.get(i);
            String liveGroup = GROUPS[argmax(image.live())];
            String shadowGroup = image.shadowAssessed() ? GROUPS[argmax(image.shadow())] : "NOT_ASSESSABLE";
            if (!liveGroup.equals(shadowGroup)) {
                disagreeing.add(imageIds.get(i));
            }
            if (image.bethesda() != null && image.shadowAssessed()) {
                String truth = groupOf(image.bethesda());
                confirmedLive.add(new String[] {truth, liveGroup, image.bethesda()});
                confirmedShadow.add(new String[] {truth, shadowGroup, image.bethesda()});
            }
        }
        int compared = images.size();
        double agreement = (double) (compared - disagreeing.size()) / compared;

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.mlEngineer().config(DOUBLES)
                .get("/api/v1/models/" + name + "/candidates/1.1.0/shadow")
                .then().statusCode(200)
                .body("compared", equalTo(compared)).body("agreement", closeTo(agreement, 1e-6))
                .body("liveVersions", equalTo(List.of("1.0.0")))
                .body("disagreements.total", equalTo(disagreeing.size()))
                .body("disagreements.items.imageId", containsInAnyOrder(disagreeing.toArray()))
                .body("confirmed.cases", equalTo(confirmedLive.size()))
                .body("confirmed.live.macroF1", closeTo(macroF1(confirmedLive), 1e-6))
                .body("confirmed.shadow.macroF1", closeTo(macroF1(confirmedShadow), 1e-6))
                .body("confirmed.live.bethesdaVRecall", closeTo(bethesdaVRecall(confirmedLive), 1e-6))
                .body("confirmed.shadow.bethesdaVRecall", closeTo(bethesdaVRecall(confirmedShadow), 1e-6)));

        // A disagreement carries both predictions.
        Image second = images.get(1);
        As.mlEngineer().get("/api/v1/models/" + name + "/candidates/1.1.0/shadow?size=50").then().statusCode(200)
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.caseId", equalTo(second.caseId()))
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.hospitalId", equalTo("hospital-s1"))
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.live.group", equalTo(GROUPS[argmax(second.live())]))
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.live.indeterminate", equalTo((float) second.live()[1]))
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.shadow.group", equalTo(GROUPS[argmax(second.shadow())]))
                .body("disagreements.items.find { it.imageId == '" + imageIds.get(1) + "' }.shadow.malignant", equalTo((float) second.shadow()[2]));
        As.mlEngineer().get("/api/v1/models/" + name + "/candidates/1.1.0/shadow?size=2&page=1").then().statusCode(200)
                .body("disagreements.items.size()", equalTo(disagreeing.size() - 2)).body("disagreements.total", equalTo(disagreeing.size()));

        // An auditor of hospital-s1 sees that hospital's images only.
        long ownCompared = images.stream().filter(image -> image.hospital().equals("hospital-s1")).count();
        As.auditor("hospital-s1").get("/api/v1/models/" + name + "/candidates/1.1.0/shadow").then().statusCode(200)
                .body("compared", equalTo((int) ownCompared));
        As.auditor("hospital-s1").get("/api/v1/models/" + name + "/candidates/1.1.0/shadow?hospital=hospital-s2").then().statusCode(403);
        As.clinicalLead("hospital-s2").get("/api/v1/models/" + name + "/candidates/1.1.0/shadow").then().statusCode(200)
                .body("compared", equalTo(1));
        As.cytopathologist("hospital-s1").get("/api/v1/models/" + name + "/candidates/1.1.0/shadow").then().statusCode(403);
    }

    private static double macroF1(List<String[]> cases) {
        double sum = 0;
        for (String group : GROUPS) {
            long truePositives = cases.stream().filter(c -> c[0].equals(group) && c[1].equals(group)).count();
            long predicted = cases.stream().filter(c -> c[1].equals(group)).count();
            long actual = cases.stream().filter(c -> c[0].equals(group)).count();
            double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
            double recall = actual == 0 ? 0 : (double) truePositives / actual;
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return sum / GROUPS.length;
    }

    private static double bethesdaVRecall(List<String[]> cases) {
        List<String[]> v = cases.stream().filter(c -> c[2].equals("V")).toList();
        return (double) v.stream().filter(c -> c[1].equals("INDETERMINATE")).count() / v.size();
    }

    private static String groupOf(String bethesda) {
        return switch (bethesda) {
            case "II" -> "BENIGN";
            case "VI" -> "MALIGNANT";
            default -> "INDETERMINATE";
        };
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    private static double[] p(double benign, double indeterminate, double malignant) {
        return new double[] {benign, indeterminate, malignant};
    }

    private static String id(String name) {
        return "case-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
