package org.cytotriage.localstack;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.infra.Logins;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends synthetic smears through ingest and prints each result from audit-service as it arrives:
 * the case, the true (synthetic) category, the predicted group with its probabilities and the
 * strongest heatmap cell; then records each case's final diagnosis (the synthetic truth, as a
 * cytopathologist would) and prints the month's audit sample.
 */
final class DemoRun {

    private static final List<BethesdaCategory> CYCLE = List.of(BethesdaCategory.II, BethesdaCategory.VI,
            BethesdaCategory.III, BethesdaCategory.V, BethesdaCategory.IV, BethesdaCategory.I);

    private static final String HOSPITAL = "demo-hospital";
    /** Demo accounts of identity/keycloak/demo-accounts.json. */
    private static final String CYTOPATHOLOGIST = "cyto.demo";
    private static final String AUDITOR = "auditor.demo";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String ingestUrl;
    private final String auditUrl;
    private final Logins logins;
    private final PrintStream out;

    /** Uploads as the demo hospital's scanner, reads and diagnoses as its cytopathologist, audits as its auditor. */
    DemoRun(String ingestUrl, String auditUrl, Logins logins, PrintStream out) {
        this.ingestUrl = ingestUrl;
        this.auditUrl = auditUrl;
        this.logins = logins;
        this.out = out;
    }

    void run(int images) throws Exception {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        out.printf("Sending %d synthetic demo images (NOT FOR CLINICAL USE)%n", images);
        for (int i = 0; i < images; i++) {
            SyntheticCase smear = generator.generate(1000 + i, CYCLE.get(i % CYCLE.size()));
            String caseId = "demo-" + Instant.now().getEpochSecond() + "-" + i;
            Instant sent = Instant.now();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/api/v1/cases/" + caseId + "/images"))
                    .header("Content-Type", "image/jpeg").header("Authorization", "Bearer " + logins.scanner(HOSPITAL))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(smear.jpegBytes())).build(), HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("ingest refused demo image: " + accepted.statusCode() + " " + accepted.body());
            }
            JsonNode image = awaitExplained(caseId);
            JsonNode p = image.get("prediction").get("probabilities");
            out.printf("  %-20s Bethesda %-3s -> %-13s benign %.3f  indeterminate %.3f  malignant %.3f  review %-5s heatmap peak %s  (%d ms)%n",
                    caseId, smear.category(), image.get("prediction").get("group").asText(), p.get("benign").asDouble(),
                    p.get("indeterminate").asDouble(), p.get("malignant").asDouble(),
                    image.get("prediction").get("flaggedForReview").asBoolean(), peak(image.get("explanation")),
                    Duration.between(sent, Instant.now()).toMillis());
            post(auditUrl + "/api/v1/cases/" + caseId + "/diagnoses", json.createObjectNode()
                    .put("bethesdaCategory", smear.category().name()).put("comment", "demo: the synthetic truth").toString(), 201);
        }
        printAudit();
    }

    /**
     * The month's audit of the demo hospital, provisionally: the month is under way, so its sample
     * is drawn for the view only (the real one is drawn once the month has ended).
     */
    private void printAudit() throws Exception {
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        JsonNode report = json.readTree(get(auditUrl + "/api/v1/audit/samples/" + month + "/provisional?hospital=" + HOSPITAL, AUDITOR));
        JsonNode metrics = report.get("metrics");
        out.printf("Provisional audit %s at %s: %d of %d confirmed cases sampled, agreement %.2f, macro-F1 %.2f, %d disagreements to review%n",
                month, HOSPITAL, report.get("drawnCases").asInt(), report.get("eligibleCases").asInt(), report.get("agreement").asDouble(),
                metrics.get("macroF1").asDouble(), report.get("disagreements").size());
    }

    private String get(String url, String user) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer(user)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private String post(String url, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", bearer(CYTOPATHOLOGIST)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Polls the case until its first image has a prediction and an explanation on record. */
    JsonNode awaitExplained(String caseId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(auditUrl + "/api/v1/cases/" + caseId))
                    .header("Authorization", bearer(CYTOPATHOLOGIST)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode image = json.readTree(response.body()).get("images").get(0);
                if (image != null && image.hasNonNull("prediction") && image.hasNonNull("explanation")) {
                    return image;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no explained result for " + caseId + " within 60 s");
    }

    private String bearer(String user) {
        return "Bearer " + logins.user(user);
    }

    private static String peak(JsonNode explanation) {
        int cols = explanation.get("cols").asInt();
        JsonNode heatmap = explanation.get("heatmap");
        int best = 0;
        for (int i = 1; i < heatmap.size(); i++) {
            if (heatmap.get(i).asDouble() > heatmap.get(best).asDouble()) {
                best = i;
            }
        }
        return "(" + best / cols + "," + best % cols + ")";
    }
}
