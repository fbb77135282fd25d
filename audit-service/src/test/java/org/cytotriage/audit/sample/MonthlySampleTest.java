package org.cytotriage.audit.sample;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.audit.MutableClock;
import org.cytotriage.events.Topics;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class MonthlySampleTest {

    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

    /** A confirmed case to be: the model's probabilities and the final diagnosis. */
    record Case(double benign, double indeterminate, double malignant, String bethesda) {
    }

    @Inject
    MutableClock clock;
    @Inject
    MonthlySampleSchedule schedule;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aSmallMonthIsSampledWholeAndItsDisagreementsGoThroughReview() {
        String hospital = hospital();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cases.add(new Case(0.8, 0.15, 0.05, "II"));
        }
        for (int i = 0; i < 3; i++) {
            cases.add(new Case(0.05, 0.15, 0.8, "VI"));
        }
        for (int i = 0; i < 2; i++) {
            cases.add(new Case(0.2, 0.7, 0.1, "III"));
        }
        cases.add(new Case(0.7, 0.2, 0.1, "V"));
        cases.add(new Case(0.3, 0.6, 0.1, "II"));
        cases.add(new Case(0.1, 0.5, 0.4, "VI"));
        confirm(hospital, OCTOBER, cases);
        // The worklist of the hospital: every case, filtered by group and by diagnosis recorded.
        As.cytopathologist(hospital).get("/api/v1/cases?hospital=" + hospital).then().statusCode(200).body("total", equalTo(12));
        As.cytopathologist(hospital).get("/api/v1/cases?hospital=" + hospital + "&group=BENIGN&diagnosed=true").then().body("total", equalTo(5))
                .body("items.predictedGroup", equalTo(List.of("BENIGN", "BENIGN", "BENIGN", "BENIGN", "BENIGN")));
        As.cytopathologist(hospital).get("/api/v1/cases?hospital=" + hospital + "&diagnosed=false").then().body("total", equalTo(0));

        JsonPath report = As.auditor(hospital).post("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(200)
                .body("label", containsString("NOT FOR CLINICAL USE"))
                .body("requestedSize", equalTo(50)).body("eligibleCases", equalTo(12)).body("drawnCases", equalTo(12))
                .body("drawnBy", equalTo(Tokens.username(Roles.AUDITOR, hospital)))
                .body("note", containsString("Only 12 confirmed cases"))
                .body("agreement", equalTo(0.75f))
                .body("metrics.confusion[0]", equalTo(List.of(4, 1, 0)))
                .body("metrics.confusion[1]", equalTo(List.of(1, 2, 0)))
                .body("metrics.confusion[2]", equalTo(List.of(0, 1, 3)))
                .body("metrics.bethesdaV.calledBenign", equalTo(1.0f))
                .body("disagreements.size()", equalTo(3))
                .body("disagreements.status", equalTo(List.of("OPEN", "OPEN", "OPEN")))
                .body("enrichedReviewList.caseIds.size()", equalTo(0))
                .extract().jsonPath();
        // A second draw of the month is the first one.
        As.auditor(hospital).post("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(200)
                .body("drawnAt", equalTo(report.getString("drawnAt"))).body("caseIds", equalTo(report.getList("caseIds")));

        long id = report.getLong("disagreements.find { it.bethesdaCategory == 'V' }.id");
        // The body's "reviewer" is what a client might claim; the record names the signed-in auditor.
        review(hospital, id, "DISCUSSED", "dr-x", "benign-looking smear; nuclear grooves missed").statusCode(200)
                .body("status", equalTo("DISCUSSED"));
        review(hospital, id, "RESOLVED", "dr-y", "added to the retraining set").statusCode(200).body("status", equalTo("RESOLVED"));
        review(hospital, id, "OPEN", null, null).statusCode(409).contentType(containsString("application/problem+json"));
        review(hospital, id, null, null, "no status").statusCode(400);
        // An auditor of another hospital does not see the disagreement at all.
        As.auditor("hospital-elsewhere").contentType(ContentType.JSON).body("{\"status\": \"RESOLVED\"}")
                .post("/api/v1/audit/disagreements/" + id + "/reviews").then().statusCode(404);
        As.auditor("hospital-elsewhere").get("/api/v1/audit/disagreements/" + id).then().statusCode(404);
        As.auditor(hospital).get("/api/v1/audit/disagreements/" + id).then().statusCode(200)
                .body("predictedGroup", equalTo("BENIGN")).body("diagnosedGroup", equalTo("INDETERMINATE"))
                .body("reviews.status", equalTo(List.of("DISCUSSED", "RESOLVED")))
                .body("reviews[0].reviewer", equalTo(Tokens.username(Roles.AUDITOR, hospital))).body("reviews[1].comment", equalTo("added to the retraining set"));

        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital).then().statusCode(200)
                .body("total", equalTo(3)).body("items.size()", equalTo(3)).body("items[0].reviews", nullValue());
        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital + "&status=RESOLVED").then().body("total", equalTo(1));
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital + "&from=" + today).then().body("total", equalTo(3));
        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital + "&to=" + today).then().body("total", equalTo(0));
        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital + "&size=2&page=1").then()
                .body("total", equalTo(3)).body("items.size()", equalTo(1));
    }

    @Test
    void fiftyOfSixtyAreASimpleRandomSampleAnyoneCanDrawAgainAndTheEnrichedListStaysApart() {
        String hospital = hospital();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cases.add(i % 2 == 0 ? new Case(0.85, 0.1, 0.05, "II") : new Case(0.3, 0.45, 0.25, "IV"));
        }
        List<String> caseIds = confirm(hospital, OCTOBER, cases);

        JsonPath report = As.auditor(hospital).post("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(200)
                .body("eligibleCases", equalTo(60)).body("drawnCases", equalTo(50)).body("note", nullValue())
                .body("metrics.cases", equalTo(50)).body("caseIds.size()", equalTo(50))
                .extract().jsonPath();

        long seed = Long.parseLong(report.getString("seed"));
        assertThat(seed).isEqualTo(SimpleRandomSample.seed("cytotriage-audit", "2026-10", hospital, "RANDOM"));
        assertThat(report.getList("caseIds", String.class))
                .as("the seed and the month's confirmed cases in case-id order give the same sample")
                .isEqualTo(SimpleRandomSample.draw(caseIds.stream().sorted().toList(), 50, seed));

        List<String> enriched = report.getList("enrichedReviewList.caseIds", String.class);
        assertThat(report.getString("enrichedReviewList.label")).contains("not at random");
        Set<String> riskyOutside = caseIds.stream().filter(id -> !report.getList("caseIds").contains(id))
                .filter(id -> caseIds.indexOf(id) % 2 == 1).collect(java.util.stream.Collectors.toSet());
        assertThat(report.getInt("enrichedReviewList.riskyCasesOutsideTheSample")).isEqualTo(riskyOutside.size());
        assertThat(enriched).containsExactlyInAnyOrderElementsOf(riskyOutside);
    }

    @Test
    void theScheduleDrawsTheMonthJustEndedForEachHospital() {
        String hospital = hospital();
        confirm(hospital, YearMonth.of(2026, 9), List.of(new Case(0.8, 0.1, 0.1, "II"), new Case(0.1, 0.1, 0.8, "VI"),
                new Case(0.1, 0.8, 0.1, "II")));
        As.auditor(hospital).get("/api/v1/audit/samples/2026-09?hospital=" + hospital).then().statusCode(404)
                .contentType(containsString("application/problem+json"));

        clock.set(Instant.parse("2026-10-01T06:00:00Z"));
        assertThat(schedule.drawLastMonth()).contains(hospital);

        As.auditor(hospital).get("/api/v1/audit/samples/2026-09?hospital=" + hospital).then().statusCode(200)
                .body("drawnCases", equalTo(3)).body("drawnAt", equalTo("2026-10-01T06:00:00Z")).body("drawnBy", equalTo("monthly-sample-schedule")).body("disagreements.size()", equalTo(1));
    }

    @Test
    void theMonthUnderWayIsNotDrawnAndItsProvisionalReportKeepsNothing() {
        String hospital = hospital();
        List<String> caseIds = confirm(hospital, OCTOBER, List.of(new Case(0.8, 0.1, 0.1, "II"), new Case(0.1, 0.1, 0.8, "VI"),
                new Case(0.1, 0.8, 0.1, "II")));
        clock.set(Instant.parse("2026-10-20T12:00:00Z"));

        As.auditor(hospital).post("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(409)
                .contentType(containsString("application/problem+json")).body("type", equalTo("urn:cytotriage:problem:month-not-closed"))
                .body("detail", containsString("2026-11-01T00:00:00Z"));
        As.auditor(hospital).get("/api/v1/audit/samples/2026-10/provisional?hospital=" + hospital).then().statusCode(200)
                .body("label", startsWith("PROVISIONAL")).body("drawnCases", equalTo(3))
                .body("caseIds", containsInAnyOrder(caseIds.toArray())).body("disagreements.size()", equalTo(1));
        // Nothing of it was kept: no sample, no disagreement opened.
        As.auditor(hospital).get("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(404);
        As.auditor(hospital).get("/api/v1/audit/disagreements?hospital=" + hospital).then().statusCode(200).body("total", equalTo(0));
        // Only the month under way is provisional.
        As.auditor(hospital).get("/api/v1/audit/samples/2026-11/provisional?hospital=" + hospital).then().statusCode(409)
                .body("detail", containsString("has not begun"));
        As.auditor(hospital).get("/api/v1/audit/samples/2026-09/provisional?hospital=" + hospital).then().statusCode(409)
                .body("detail", containsString("has ended"));

        clock.set(Instant.parse("2026-11-01T00:00:00Z"));
        As.auditor(hospital).post("/api/v1/audit/samples/2026-10?hospital=" + hospital).then().statusCode(200)
                .body("label", not(startsWith("PROVISIONAL"))).body("drawnCases", equalTo(3));
    }

    @Test
    void aBadMonthAnotherHospitalOrNoChoiceAmongSeveralIsAProblem() {
        As.auditor("hospital-h").post("/api/v1/audit/samples/October?hospital=hospital-h").then().statusCode(400)
                .contentType(containsString("application/problem+json")).body("detail", containsString("yyyy-MM"));
        As.auditor("hospital-h").post("/api/v1/audit/samples/2026-10?hospital=hospital-elsewhere").then().statusCode(403)
                .contentType(containsString("application/problem+json")).body("type", equalTo("urn:cytotriage:problem:foreign-hospital"));
        As.auditor("hospital-h", "hospital-i").post("/api/v1/audit/samples/2026-10").then().statusCode(422)
                .body("type", equalTo("urn:cytotriage:problem:hospital-required"));
    }

    private io.restassured.response.ValidatableResponse review(String hospital, long id, String status, String reviewer, String comment) {
        StringBuilder body = new StringBuilder(status == null ? "{\"status\": null" : "{\"status\": \"" + status + "\"");
        if (reviewer != null) {
            body.append(", \"reviewer\": \"").append(reviewer).append('"');
        }
        if (comment != null) {
            body.append(", \"comment\": \"").append(comment).append('"');
        }
        return As.auditor(hospital).contentType(ContentType.JSON).body(body.append('}').toString())
                .post("/api/v1/audit/disagreements/" + id + "/reviews").then();
    }

    /** Publishes a prediction (in the month) and a final diagnosis for each case; returns their ids once all are on record. */
    private List<String> confirm(String hospital, YearMonth month, List<Case> cases) {
        List<String> ids = new ArrayList<>();
        Instant start = month.atDay(2).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String caseId = hospital + "-case-" + (100 + i);
            ids.add(caseId);
            writer.send(Topics.PREDICTIONS, caseId, AuditEvents.prediction(caseId, hospital, UUID.randomUUID().toString(),
                    AuditEvents.MODEL, start.plus(Duration.ofHours(i)), c.benign(), c.indeterminate(), c.malignant(), false));
            writer.send(Topics.DIAGNOSES, caseId, AuditEvents.diagnosis(caseId, hospital, c.bethesda(), 1, start.plus(Duration.ofDays(3))));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                As.auditor(hospital).get("/api/v1/audit/metrics?hospital=" + hospital).then().body("metrics.cases", equalTo(cases.size())));
        return ids;
    }

    private static String hospital() {
        return "hospital-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
