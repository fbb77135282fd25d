package org.cytotriage.localstack;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.infra.Logins;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The point of the retraining loop, on the whole system and synthetic data (NOT FOR CLINICAL USE):
 * two hospitals send smears and their cytopathologists confirm them; one hospital's smears look like
 * site B (another stain, camera and blur), where the live model does worse. audit-service sees the
 * drop and asks for retraining with the confirmed cases; the retraining worker fine-tunes the live
 * model on them under the change-control plan, its gate judges the candidate, the candidate runs in
 * shadow while both hospitals send new cases, and the shadow comparison on the newly confirmed cases
 * of each hospital shows what the candidate would change; an ML engineer and a cytopathologist lead
 * approve, and it goes live. {@code ./run-retraining-demo [cases per hospital, default 150]}.
 */
public final class RetrainingDemo {

    private static final String MODEL = "thyroideffi-basic";
    private static final String SITE_A = "hospital-site-a";
    private static final String SITE_B = "hospital-site-b";
    private static final List<BethesdaCategory> MIX = List.of(BethesdaCategory.II, BethesdaCategory.VI, BethesdaCategory.III,
            BethesdaCategory.II, BethesdaCategory.VI, BethesdaCategory.V, BethesdaCategory.II, BethesdaCategory.VI, BethesdaCategory.IV,
            BethesdaCategory.I);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final LocalStack stack;
    private final Logins logins;
    private final PrintStream out;
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    RetrainingDemo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.logins = stack.logins();
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int cases = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        System.out.println("CytoTriage retraining demo (synthetic data, NOT FOR CLINICAL USE): starting the local stack...");
        LocalStack stack = LocalStack.start(LocalStack.Layout.everything(true)
                .withEnvironment("CYTOTRIAGE_AUDIT_RETRAINING_CHECK_EVERY", "10s")
                .withEnvironment("CYTOTRIAGE_AUDIT_DRIFT_REFRESH_EVERY", "2s"));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "retraining-demo-shutdown"));
        new RetrainingDemo(stack, System.out).run(cases);
        System.exit(0);
    }

    void run(int cases) throws Exception {
        Instant begin = Instant.now();
        out.printf("1. %d confirmed cases at %s (site A smears) and %d at %s (site B smears)%n", cases, SITE_A, cases, SITE_B);
        List<String> sent = new ArrayList<>();
        sent.addAll(sendAndConfirm(SITE_A, Site.SITE_A, cases, 100_000));
        sent.addAll(sendAndConfirm(SITE_B, Site.SITE_B, cases, 200_000));
        for (String hospital : List.of(SITE_A, SITE_B)) {
            JsonNode metrics = json.readTree(get("/api/v1/audit/metrics?hospital=" + hospital, auditor(hospital))).get("metrics");
            out.printf("   live model at %s: macro-F1 %.3f on %d confirmed cases%n", hospital, metrics.get("macroF1").asDouble(),
                    metrics.get("cases").asInt());
        }

        out.println("2. audit-service checks the live model's triggers (drift, performance) and asks for retraining");
        JsonNode job = awaitJob(Duration.ofMinutes(5), "QUEUED", "PREPARING_DATA", "TRAINING", "EVALUATING", "GATE_PASSED", "GATE_FAILED",
                "JOB_FAILED", "SHADOW_STARTED");
        out.printf("   request %s: %s (%s)%n", job.get("requestId").asText(), job.get("trigger").asText(), job.get("reason").asText());

        out.println("3. the retraining worker trains, judges and (if passed) puts the candidate in shadow");
        Instant training = Instant.now();
        String last = "";
        while (true) {
            job = awaitJob(Duration.ofMinutes(90), "PREPARING_DATA", "TRAINING", "EVALUATING", "GATE_PASSED", "GATE_FAILED", "JOB_FAILED",
                    "SHADOW_STARTED");
            String now = job.get("step").asText() + " " + job.path("detail").asText();
            if (!now.equals(last)) {
                out.printf("   %s%n", now.length() > 220 ? now.substring(0, 217) + "..." : now);
                last = now;
            }
            if (List.of("GATE_FAILED", "JOB_FAILED", "SHADOW_STARTED").contains(job.get("step").asText())) {
                break;
            }
            Thread.sleep(2000);
        }
        out.printf("   job took %d s (training, profiling and the gate) on this machine%n", Duration.between(training, Instant.now()).toSeconds());
        String candidate = job.path("candidateVersion").asText(null);
        if (candidate != null) {
            printGate(candidate);
        }
        if (!"SHADOW_STARTED".equals(job.get("step").asText())) {
            out.println("   the candidate stays a candidate: nothing is released");
            return;
        }

        // The plan's shadow is 200 images: 100 new cases from each hospital.
        out.println("4. shadow: both hospitals send 100 new cases each; the candidate predicts them beside the live model");
        sendAndConfirm(SITE_A, Site.SITE_A, 100, 300_000);
        sendAndConfirm(SITE_B, Site.SITE_B, 100, 400_000);
        awaitJob(Duration.ofMinutes(10), "SHADOW_COMPLETED");
        out.println("   site           cases   live macro-F1   candidate macro-F1");
        for (String hospital : List.of(SITE_A, SITE_B)) {
            JsonNode shadow = json.readTree(get("/api/v1/models/" + MODEL + "/candidates/" + candidate + "/shadow?hospital=" + hospital,
                    logins.person(Set.of("ml-engineer"), List.of())));
            JsonNode confirmed = shadow.get("confirmed");
            out.printf("   %-15s %5d   %13.3f   %18.3f   (agreement %.2f on %d images)%n", hospital, confirmed.get("cases").asInt(),
                    confirmed.at("/live/macroF1").asDouble(), confirmed.at("/shadow/macroF1").asDouble(), shadow.get("agreement").asDouble(),
                    shadow.get("compared").asInt());
        }

        out.println("5. an ML engineer and a cytopathologist lead approve; the release goes live on inference");
        approve(logins.person(Set.of("ml-engineer"), List.of()), candidate);
        approve(logins.person(Set.of("cytopathologist-lead"), List.of(SITE_B)), candidate);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!liveVersion().equals(candidate) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
        }
        out.printf("   inference serves %s %s; the change record: %s/changes.html (model %s, version %s)%n", MODEL, liveVersion(),
                stack.url("audit-service"), MODEL, candidate);
        out.printf("Done in %d s. Roll back with one action on the changes page, or POST /api/v1/models/%s/rollback.%n",
                Duration.between(begin, Instant.now()).toSeconds(), MODEL);
    }

    private List<String> sendAndConfirm(String hospital, Site site, int cases, long seed) throws Exception {
        String scanner = logins.person(Set.of("scanner"), List.of(hospital));
        List<String> caseIds = new ArrayList<>();
        List<BethesdaCategory> truths = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            BethesdaCategory truth = MIX.get(i % MIX.size());
            String caseId = hospital + "-" + seed + "-" + i;
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(stack.url("ingest-service") + "/api/v1/cases/" + caseId
                    + "/images")).header("Content-Type", "image/jpeg").header("Authorization", "Bearer " + scanner)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(generator.generate(seed + i, truth, site).jpegBytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("ingest refused a demo image: " + accepted.statusCode() + " " + accepted.body());
            }
            caseIds.add(caseId);
            truths.add(truth);
        }
        String cytopathologist = logins.person(Set.of("cytopathologist"), List.of(hospital));
        for (int i = 0; i < cases; i++) {
            String path = "/api/v1/cases/" + caseIds.get(i);
            Instant deadline = Instant.now().plusSeconds(180);
            while (!json.readTree(get(path, cytopathologist)).at("/images/0").hasNonNull("prediction")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no prediction on record for " + caseIds.get(i));
                }
                Thread.sleep(200);
            }
            post(path + "/diagnoses", json.createObjectNode().put("bethesdaCategory", truths.get(i).name())
                    .put("comment", "demo: the synthetic truth").toString(), cytopathologist, 201);
        }
        return caseIds;
    }

    private void printGate(String candidate) throws Exception {
        JsonNode record = json.readTree(get("/api/v1/models/" + MODEL + "/changes/" + candidate,
                logins.person(Set.of("ml-engineer"), List.of())));
        JsonNode gate = record.path("gate");
        out.printf("   gate (%s): %s%n", gate.path("plan").asText(), gate.path("passed").asBoolean() ? "PASSED" : "REFUSED");
        for (JsonNode c : gate.path("criteria")) {
            out.printf("   %-6s %-55s candidate %.4f live %s estimate %.4f [%.4f, %.4f]%n", c.path("passed").asBoolean() ? "met" : "NOT", c.path("name").asText(),
                    c.path("candidate").asDouble(), c.path("live").isNull() ? "-" : String.format("%.4f", c.path("live").asDouble()),
                    c.path("estimate").asDouble(), c.path("lower").asDouble(), c.path("upper").asDouble());
        }
    }

    private void approve(String token, String candidate) throws Exception {
        post("/api/v1/models/" + MODEL + "/candidates/" + candidate + "/approvals",
                json.createObjectNode().put("note", "demo: gate, shadow and its disagreements reviewed").toString(), token, 201);
    }

    private JsonNode awaitJob(Duration within, String... steps) throws Exception {
        Instant deadline = Instant.now().plus(within);
        String engineer = logins.person(Set.of("ml-engineer"), List.of());
        while (Instant.now().isBefore(deadline)) {
            JsonNode jobs = json.readTree(get("/api/v1/retraining/jobs?model=" + MODEL, engineer));
            if (jobs.size() > 0 && List.of(steps).contains(jobs.get(0).get("step").asText())) {
                return jobs.get(0);
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("no retraining job reached " + List.of(steps) + " within " + within);
    }

    private String liveVersion() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(stack.url("inference-service") + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : json.readTree(health.body()).get("checks")) {
            if (check.get("name").asText().equals("model")) {
                return check.at("/data/version").asText();
            }
        }
        return "";
    }

    private String auditor(String hospital) {
        return logins.person(Set.of("auditor"), List.of(hospital));
    }

    private String get(String path, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.url("audit-service") + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private void post(String path, String body, String token, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.url("audit-service") + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
