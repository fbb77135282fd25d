package org.cytotriage.localstack;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.infra.Logins;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Who may call what, as a spec: every REST endpoint of every service, called with no token, an
 * expired one, each role of hospital A (the demo hospital), and an account of hospital B, against
 * the whole stack in its production profile with the project's Keycloak. Each row of {@link #MATRIX}
 * is one endpoint and the status each caller gets; the endpoints the services describe
 * (their /q/openapi) must be exactly the rows, so a new endpoint without a row fails here.
 * "Another hospital" is the endpoint's own role at hospital B: asking for A's ids it is told they do
 * not exist (404), naming hospital A it is refused (403).
 */
class AccessMatrixTest {

    private static final String A = "demo-hospital";
    private static final String B = "hospital-b";

    /** The callers, in the order of each row's statuses. */
    enum Caller {
        NO_TOKEN, EXPIRED, SCANNER, CYTOPATHOLOGIST, AUDITOR, ML_ENGINEER, ADMIN, CYTOPATHOLOGIST_LEAD, OTHER_HOSPITAL
    }

    /** One endpoint: who answers what; {@code other} is the account of hospital B that calls it. */
    record Row(String service, String method, String path, String other, int[] statuses, Function<Fixture, String> call) {
    }

    /** What the calls refer to: hospital A's case and image, made through the pipeline before the matrix runs. */
    record Fixture(String caseId, String imageId, String storeKey, String closedMonth, String openMonth, String basicVersion,
            AtomicInteger uploads) {
    }

    private static final String CYTO_B = "cyto.b";
    private static final String AUDITOR_B = "auditor.b";
    private static final String SCANNER_B = "scanner:" + B;
    private static final String PACS_B = "pacs:" + B;

    //                                                                                              none exp scan cyto audt  ml adm lead other
    private static final List<Row> MATRIX = List.of(
            row("ingest-service", "POST", "/api/v1/cases/{caseId}/images", CYTO_B, s(401, 401, 202, 202, 403, 403, 403, 403, 403),
                    f -> "/api/v1/cases/matrix-upload-" + f.uploads().incrementAndGet() + "/images"),
            // STOW-RS is the PACS's alone (StowTest and PacsStowTest show it storing): every other role is refused, and so is
            // a PACS of hospital B naming hospital A.
            row("ingest-service", "POST", "/dicomweb/studies", PACS_B, s(401, 401, 403, 403, 403, 403, 403, 403, 403),
                    f -> "/dicomweb/studies?hospital=" + A),
            row("ingest-service", "POST", "/dicomweb/studies/{study}", PACS_B, s(401, 401, 403, 403, 403, 403, 403, 403, 403),
                    f -> "/dicomweb/studies/1.2.826.0.1.3680043.10.1199.1?hospital=" + A),
            row("audit-service", "GET", "/api/v1/cases", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 403),
                    f -> "/api/v1/cases?hospital=" + A),
            row("audit-service", "GET", "/api/v1/cases/{caseId}", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/cases/" + f.caseId()),
            row("audit-service", "GET", "/api/v1/cases/{caseId}/fhir", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/cases/" + f.caseId() + "/fhir"),
            row("audit-service", "POST", "/api/v1/cases/{caseId}/diagnoses", CYTO_B, s(401, 401, 403, 201, 403, 403, 403, 403, 404),
                    f -> "/api/v1/cases/" + f.caseId() + "/diagnoses"),
            row("audit-service", "GET", "/api/v1/cases/{caseId}/diagnoses", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/cases/" + f.caseId() + "/diagnoses"),
            row("audit-service", "GET", "/api/v1/images/{imageId}/original", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/images/" + f.imageId() + "/original"),
            row("audit-service", "GET", "/api/v1/images/{imageId}/overlay", CYTO_B, s(401, 401, 403, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/images/" + f.imageId() + "/overlay"),
            row("audit-service", "GET", "/api/v1/images/{imageId}/status", SCANNER_B, s(401, 401, 200, 200, 403, 403, 200, 403, 404),
                    f -> "/api/v1/images/" + f.imageId() + "/status"),
            row("audit-service", "GET", "/api/v1/predictions", CYTO_B, s(401, 401, 403, 200, 200, 403, 403, 403, 403),
                    f -> "/api/v1/predictions?hospital=" + A),
            row("audit-service", "GET", "/api/v1/deadletters", CYTO_B, s(401, 401, 403, 403, 403, 403, 200, 403, 403),
                    f -> "/api/v1/deadletters"),
            row("audit-service", "POST", "/api/v1/deadletters/{eventId}/redrive", CYTO_B, s(401, 401, 403, 403, 403, 403, 404, 403, 403),
                    f -> "/api/v1/deadletters/no-such-letter/redrive"),
            row("audit-service", "GET", "/api/v1/audit/drift", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 403, 403, 200),
                    f -> "/api/v1/audit/drift"),
            row("audit-service", "GET", "/api/v1/audit/drift/history", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 403, 403, 200),
                    f -> "/api/v1/audit/drift/history?model=thyroideffi-basic"),
            row("audit-service", "GET", "/api/v1/audit/shift", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 403, 403, 403),
                    f -> "/api/v1/audit/shift?hospital=" + A),
            row("audit-service", "GET", "/api/v1/audit/metrics", AUDITOR_B, s(401, 401, 403, 403, 200, 403, 403, 403, 403),
                    f -> "/api/v1/audit/metrics?hospital=" + A),
            row("audit-service", "GET", "/api/v1/audit/retraining", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 403, 403, 200),
                    f -> "/api/v1/audit/retraining"),
            row("audit-service", "GET", "/api/v1/audit/retraining/{eventId}/manifest", AUDITOR_B, s(401, 401, 403, 403, 403, 404, 403, 403, 403),
                    f -> "/api/v1/audit/retraining/no-such-request/manifest"),
            row("audit-service", "GET", "/api/v1/audit/disagreements", AUDITOR_B, s(401, 401, 403, 403, 200, 403, 403, 403, 403),
                    f -> "/api/v1/audit/disagreements?hospital=" + A),
            row("audit-service", "GET", "/api/v1/audit/disagreements/{id}", AUDITOR_B, s(401, 401, 403, 403, 404, 403, 403, 403, 404),
                    f -> "/api/v1/audit/disagreements/999999999"),
            row("audit-service", "POST", "/api/v1/audit/disagreements/{id}/reviews", AUDITOR_B, s(401, 401, 403, 403, 404, 403, 403, 403, 404),
                    f -> "/api/v1/audit/disagreements/999999999/reviews"),
            row("audit-service", "POST", "/api/v1/audit/samples/{month}", AUDITOR_B, s(401, 401, 403, 403, 200, 403, 403, 403, 403),
                    f -> "/api/v1/audit/samples/" + f.closedMonth() + "?hospital=" + A),
            row("audit-service", "GET", "/api/v1/audit/samples/{month}", AUDITOR_B, s(401, 401, 403, 403, 200, 403, 403, 403, 403),
                    f -> "/api/v1/audit/samples/" + f.closedMonth() + "?hospital=" + A),
            row("audit-service", "GET", "/api/v1/audit/samples/{month}/provisional", AUDITOR_B, s(401, 401, 403, 403, 200, 403, 403, 403, 403),
                    f -> "/api/v1/audit/samples/" + f.openMonth() + "/provisional?hospital=" + A),
            // Who released what: model-level, no patient data, for audit, the ML team and operations.
            row("audit-service", "GET", "/api/v1/models/{name}/history", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 200, 403, 200),
                    f -> "/api/v1/models/thyroideffi-basic/history"),
            // Model change control: the retraining jobs' progress, the change ledger and records (model-level), a candidate's
            // shadow comparison (an auditor or a lead their hospitals), approvals and rollbacks (an ML engineer and a cytopathologist lead).
            row("audit-service", "GET", "/api/v1/retraining/jobs", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 403, 403, 200),
                    f -> "/api/v1/retraining/jobs"),
            row("audit-service", "GET", "/api/v1/models/{name}/changes", AUDITOR_B, s(401, 401, 403, 403, 200, 200, 200, 200, 200),
                    f -> "/api/v1/models/thyroideffi-basic/changes"),
            row("audit-service", "GET", "/api/v1/models/{name}/changes/{version}", AUDITOR_B, s(401, 401, 403, 403, 404, 404, 404, 404, 404),
                    f -> "/api/v1/models/thyroideffi-basic/changes/no-such-version"),
            row("audit-service", "GET", "/api/v1/models/{name}/candidates/{version}/shadow", AUDITOR_B,
                    s(401, 401, 403, 403, 200, 200, 403, 200, 200), f -> "/api/v1/models/thyroideffi-basic/candidates/no-such-version/shadow"),
            row("audit-service", "POST", "/api/v1/models/{name}/candidates/{version}/approvals", CYTO_B,
                    s(401, 401, 403, 403, 403, 409, 403, 409, 403), f -> "/api/v1/models/thyroideffi-basic/candidates/no-such-version/approvals"),
            row("audit-service", "POST", "/api/v1/models/{name}/rollback", CYTO_B, s(401, 401, 403, 403, 403, 409, 403, 409, 403),
                    f -> "/api/v1/models/no-such-model/rollback"),
            // The pages' session: the code flow, so whatever is sent, a browser without a session is sent to sign in.
            row("audit-service", "GET", "/ui/session", CYTO_B, s(302, 302, 302, 302, 302, 302, 302, 302, 302), f -> "/ui/session"),
            // A scanner's token names ingest and audit only: explain-service does not take it at all (401).
            row("explain-service", "GET", "/api/v1/explanations", CYTO_B, s(401, 401, 401, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/explanations?image=" + f.storeKey() + "&model=thyroideffi-basic&version=" + f.basicVersion() + "&group=BENIGN"),
            row("explain-service", "GET", "/api/v1/explanations/overlay", CYTO_B, s(401, 401, 401, 200, 403, 403, 403, 403, 404),
                    f -> "/api/v1/explanations/overlay?image=" + f.storeKey() + "&model=thyroideffi-basic&version=" + f.basicVersion()
                            + "&group=MALIGNANT"),
            operations("ingest-service", "/q/metrics"), operations("inference-service", "/q/metrics"),
            operations("explain-service", "/q/metrics"), operations("audit-service", "/q/metrics"),
            operations("ingest-service", "/q/openapi"), operations("inference-service", "/q/openapi"),
            operations("explain-service", "/q/openapi"), operations("audit-service", "/q/openapi"),
            health("ingest-service"), health("inference-service"), health("explain-service"), health("audit-service"));

    private static LocalStack stack;
    private static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(false);
        String basicVersion = new ObjectMapper().readTree(ProjectLayout.locate().root().resolve("models/thyroideffi-basic/model-card.json")
                .toFile()).get("version").asText();
        byte[] jpeg = new SyntheticCytologyGenerator().generate(777, BethesdaCategory.II).jpegBytes();
        String caseId = "matrix-" + Instant.now().toEpochMilli();
        String imageId = given().auth().oauth2(stack.logins().scanner(A)).contentType("image/jpeg").body(jpeg)
                .post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images").then().statusCode(202).extract().path("imageId");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> given()
                .auth().oauth2(stack.logins().user("cyto.demo")).get(stack.url("audit-service") + "/api/v1/cases/" + caseId).then()
                .extract().jsonPath(), (JsonPath found) -> found.get("images[0].explanation.overlayUrl") != null);
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        fixture = new Fixture(caseId, imageId, A + "/sha256/" + Sha256.hex(jpeg).substring(0, 2) + "/" + Sha256.hex(jpeg),
                now.minusMonths(1).toString(), now.toString(), basicVersion, new AtomicInteger());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyEndpointAnswersEachCallerAsTheMatrixSays() {
        Logins logins = stack.logins();
        String expired = logins.expired(Set.of("scanner", "cytopathologist", "auditor", "ml-engineer", "admin", "cytopathologist-lead"),
                List.of(A));
        Map<Caller, String> tokens = new LinkedHashMap<>();
        tokens.put(Caller.EXPIRED, expired);
        tokens.put(Caller.SCANNER, logins.scanner(A));
        tokens.put(Caller.CYTOPATHOLOGIST, logins.user("cyto.demo"));
        tokens.put(Caller.AUDITOR, logins.user("auditor.demo"));
        tokens.put(Caller.ML_ENGINEER, logins.user("ml.engineer"));
        tokens.put(Caller.ADMIN, logins.user("ops.admin"));
        tokens.put(Caller.CYTOPATHOLOGIST_LEAD, logins.user("lead.demo"));

        List<String> wrong = new ArrayList<>();
        for (Row row : MATRIX) {
            for (Caller caller : Caller.values()) {
                String token = caller == Caller.NO_TOKEN ? null : caller == Caller.OTHER_HOSPITAL ? otherToken(row.other()) : tokens.get(caller);
                int status = call(row, caller, token);
                if (status != row.statuses()[caller.ordinal()]) {
                    wrong.add(String.format("%s %s %s as %s: %d, the matrix says %d", row.service(), row.method(), row.path(), caller, status,
                            row.statuses()[caller.ordinal()]));
                }
            }
        }
        assertThat(wrong).as("cells that differ from the matrix").isEmpty();
    }

    @Test
    void everyEndpointTheServicesDescribeHasARowAndEveryRowAnEndpoint() {
        String admin = stack.logins().user("ops.admin");
        for (String service : List.of("ingest-service", "explain-service", "audit-service")) {
            Set<String> described = new TreeSet<>();
            Map<String, Map<String, Object>> paths = given().auth().oauth2(admin).accept("application/json")
                    .get(stack.url(service) + "/q/openapi").then().statusCode(200).extract().jsonPath().getMap("paths");
            paths.forEach((path, operations) -> operations.keySet().forEach(method -> described.add(method.toUpperCase() + " " + path)));
            Set<String> rows = new TreeSet<>();
            MATRIX.stream().filter(row -> row.service().equals(service) && !row.path().startsWith("/q/"))
                    .forEach(row -> rows.add(row.method() + " " + row.path()));
            assertThat(rows).as("the matrix's rows for %s against its /q/openapi", service).isEqualTo(described);
        }
    }

    private static int call(Row row, Caller caller, String token) {
        RequestSpecification request = given().config(RestAssuredConfig.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)));
        if (token != null) {
            request.auth().oauth2(token);
        }
        String url = stack.url(row.service()) + row.call().apply(fixture);
        if (row.method().equals("GET")) {
            return request.get(url).statusCode();
        }
        if (row.path().startsWith("/dicomweb/")) {
            return request.contentType("multipart/related; type=\"application/dicom\"; boundary=matrix")
                    .body("--matrix\r\nContent-Type: application/dicom\r\n\r\nnot read\r\n--matrix--\r\n".getBytes(StandardCharsets.US_ASCII))
                    .post(url).statusCode();
        }
        if (row.path().endsWith("/images")) {
            byte[] jpeg = new SyntheticCytologyGenerator().generate(9000 + fixture.uploads().get(), BethesdaCategory.IV).jpegBytes();
            // Another hospital's account names hospital A: refused, whatever it may do at its own.
            return (caller == Caller.OTHER_HOSPITAL
                    ? request.multiPart("hospitalId", A).multiPart("image", "smear.jpg", jpeg, "image/jpeg")
                    : request.multiPart("image", "smear.jpg", jpeg, "image/jpeg")).post(url).statusCode();
        }
        String body = row.path().endsWith("/diagnoses") ? "{\"bethesdaCategory\": \"II\"}"
                : row.path().endsWith("/reviews") ? "{\"status\": \"DISCUSSED\"}"
                : row.path().endsWith("/approvals") || row.path().endsWith("/rollback") ? "{\"note\": \"access matrix\"}" : null;
        return (body == null ? request : request.contentType("application/json").body(body)).post(url).statusCode();
    }

    private static String otherToken(String account) {
        if (account.startsWith("pacs:")) {
            return stack.logins().pacs(account.substring("pacs:".length()));
        }
        return account.startsWith("scanner:") ? stack.logins().scanner(account.substring("scanner:".length())) : stack.logins().user(account);
    }

    private static Row row(String service, String method, String path, String other, int[] statuses, Function<Fixture, String> call) {
        if (statuses.length != Caller.values().length) {
            throw new IllegalArgumentException(method + " " + path + ": one status per caller");
        }
        return new Row(service, method, path, other, statuses, call);
    }

    /**
     * Metrics and the API description: operations only, in production (a scanner's token is for ingest
     * and audit only). inference-service has no API, so no description: an operator is told so (404).
     */
    private static Row operations(String service, String path) {
        int scanner = Set.of("ingest-service", "audit-service").contains(service) ? 403 : 401;
        int admin = service.equals("inference-service") && path.equals("/q/openapi") ? 404 : 200;
        return row(service, "GET", path, CYTO_B, s(401, 401, scanner, 403, 403, 403, admin, 403, 403), f -> path);
    }

    /** Health stays open to the platform's probes, whatever is sent. */
    private static Row health(String service) {
        return row(service, "GET", "/q/health/ready", CYTO_B, s(200, 200, 200, 200, 200, 200, 200, 200, 200), f -> "/q/health/ready");
    }

    private static int[] s(int... statuses) {
        return statuses;
    }
}
