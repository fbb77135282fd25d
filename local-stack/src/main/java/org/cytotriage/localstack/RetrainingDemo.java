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
import java.util.Set;

import org.cytotriage.infra.Logins;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.cytotriage.synthetic.dataset.DatasetPlan;
import org.cytotriage.synthetic.dataset.DatasetSpec;
import org.cytotriage.synthetic.dataset.OutputFormat;
import org.cytotriage.synthetic.dataset.PlannedCase;
import org.cytotriage.synthetic.dataset.SplitFractions;

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
 * approve, and it goes live. Before and after, the same independent smears of each site (300 each,
 * the seeds {@code training/}'s measurements use) are sent to two test hospitals and diagnosed, so
 * audit-service's own metrics compare the live model and the released one on identical images.
 * {@code ./run-retraining-demo [site B cases, default 900] [site A cases, default 300] [seed, default 8101]}: the
 * seed draws the confirmed cases (site B's smears from it, site A's from the next), so a second run with
 * another seed retrains on other cases; the independent sets stay the same.
 */
public final class RetrainingDemo {

    private static final String MODEL = "thyroideffi-basic";
    private static final String SITE_A = "hospital-site-a";
    private static final String SITE_B = "hospital-site-b";
    private static final String TEST_A = "test-site-a";
    private static final String TEST_B = "test-site-b";
    /** The independent sets: as {@code synthetic-cytology --count 300 --seed 7001 --site A|B} writes them. */
    private static final int TEST_CASES = 300;
    private static final long TEST_SEED = 7001;
    /** The confirmed cases' seed of the runs in docs/models.md. */
    private static final long DEFAULT_SEED = 8101;

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
        int siteB = args.length > 0 ? Integer.parseInt(args[0]) : 900;
        int siteA = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        System.out.println("CytoTriage retraining demo (synthetic data, NOT FOR CLINICAL USE): starting the local stack...");
        LocalStack stack = LocalStack.start(LocalStack.Layout.everything(true)
                // The trigger shown is the performance drop, judged once 90 % of the cases are confirmed
                // (performance counts the assessable ones: about 94 % of site B smears), so the manifest
                // holds nearly all of them; drift on the class mix is not what this demo is about.
                .withEnvironment("CYTOTRIAGE_AUDIT_DRIFT_MIN_PREDICTIONS", "1000000")
                .withEnvironment("CYTOTRIAGE_AUDIT_DRIFT_MIN_CONFIRMED_CASES", String.valueOf((siteA + siteB) * 9 / 10))
                .withEnvironment("CYTOTRIAGE_AUDIT_DRIFT_MAX_MACRO_F1_DROP", "0.05")
                .withEnvironment("CYTOTRIAGE_AUDIT_RETRAINING_CHECK_EVERY", "10s")
                .withEnvironment("CYTOTRIAGE_AUDIT_DRIFT_REFRESH_EVERY", "2s"));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "retraining-demo-shutdown"));
        new RetrainingDemo(stack, System.out).run(siteB, siteA, seed);
        System.exit(0);
    }

    void run(int siteB, int siteA, long seed) throws Exception {
        Instant begin = Instant.now();
        String live = liveVersion();
        out.printf("1. %d confirmed cases at %s (site B smears) and %d at %s (site A smears), seed %d; %s %s is live%n", siteB, SITE_B,
                siteA, SITE_A, seed, MODEL, live);
        // Site A first: the drop, and so the request, comes with the last site B diagnoses.
        sendAndConfirm(SITE_A, Site.SITE_A, "confirmed", smears(Site.SITE_A, siteA, seed + 1));
        sendAndConfirm(SITE_B, Site.SITE_B, "confirmed", smears(Site.SITE_B, siteB, seed));
        for (String hospital : List.of(SITE_A, SITE_B)) {
            JsonNode metrics = metrics(hospital, live);
            out.printf("   live model at %s: macro-F1 %.3f on %d confirmed cases%n", hospital, metrics.get("macroF1").asDouble(),
                    metrics.get("cases").asInt());
        }

        out.println("2. audit-service checks the live model's triggers and asks for retraining (this demo: a macro-F1 drop of 0.05"
                + " on every confirmed case)");
        JsonNode job = awaitJob(Duration.ofMinutes(5), "QUEUED", "PREPARING_DATA", "TRAINING", "EVALUATING", "GATE_PASSED", "GATE_FAILED",
                "JOB_FAILED", "SHADOW_STARTED");
        out.printf("   request %s: %s (%s)%n", job.get("requestId").asText(), job.get("trigger").asText(), job.get("reason").asText());

        out.printf("3. meanwhile, the live model on independent smears: %d per site at %s and %s, diagnosed (after the request:"
                + " not in its manifest)%n", TEST_CASES, TEST_A, TEST_B);
        sendIndependentSets("live");
        out.println("4. the retraining worker trains, judges and (if passed) puts the candidate in shadow");
        Instant training = job.path("startedAt").isTextual() ? Instant.parse(job.get("startedAt").asText()) : Instant.now();
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
        out.printf("   job took %d s (data, training, profiling and the gate) on this machine%n",
                Duration.between(training, Instant.now()).toSeconds());
        String candidate = job.path("candidateVersion").asText(null);
        if (candidate != null) {
            printGate(candidate);
        }
        if (!"SHADOW_STARTED".equals(job.get("step").asText())) {
            out.println("   the candidate stays a candidate: nothing is released");
            return;
        }

        // The plan's shadow is 200 images: 100 new cases from each hospital.
        out.println("5. shadow: both hospitals send 100 new cases each; the candidate predicts them beside the live model");
        sendAndConfirm(SITE_A, Site.SITE_A, "shadow", smears(Site.SITE_A, 100, 8201));
        sendAndConfirm(SITE_B, Site.SITE_B, "shadow", smears(Site.SITE_B, 100, 8202));
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

        out.println("6. an ML engineer and a cytopathologist lead approve; the release goes live on inference");
        approve(logins.person(Set.of("ml-engineer"), List.of()), candidate);
        approve(logins.person(Set.of("cytopathologist-lead"), List.of(SITE_B)), candidate);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!liveVersion().equals(candidate) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
        }
        out.printf("   inference serves %s %s; the change record: %s/changes.html (model %s, version %s)%n", MODEL, liveVersion(),
                stack.url("audit-service"), MODEL, candidate);

        out.printf("7. the released model on the same independent smears (new cases at %s and %s)%n", TEST_A, TEST_B);
        sendIndependentSets("released");
        printComparison(live, candidate);
        out.printf("Done in %d s. Roll back with one action on the changes page, or POST /api/v1/models/%s/rollback.%n",
                Duration.between(begin, Instant.now()).toSeconds(), MODEL);
    }

    /** The cases {@code synthetic-cytology --count n --seed seed --site site} writes (every split). */
    private static List<PlannedCase> smears(Site site, int count, long seed) {
        return DatasetPlan.of(new DatasetSpec(count, seed, site, OutputFormat.JPEG, SplitFractions.DEFAULT, DatasetSpec.DEFAULT_SPLIT_SEED,
                GeneratorSettings.defaults()));
    }

    private void sendIndependentSets(String round) throws Exception {
        sendAndConfirm(TEST_A, Site.SITE_A, round, smears(Site.SITE_A, TEST_CASES, TEST_SEED));
        sendAndConfirm(TEST_B, Site.SITE_B, round, smears(Site.SITE_B, TEST_CASES, TEST_SEED));
    }

    /** Uploads each smear, as the site makes it, as a case of the hospital, waits for its prediction and records its synthetic truth as the diagnosis. */
    private void sendAndConfirm(String hospital, Site site, String round, List<PlannedCase> smears) throws Exception {
        // Tokens asked for per request (Logins keeps each until shortly before it expires): a run of a few
        // thousand smears outlasts one token's five minutes.
        List<String> caseIds = new ArrayList<>();
        for (PlannedCase smear : smears) {
            String caseId = hospital + "-" + round + "-" + smear.seed();
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(stack.url("ingest-service") + "/api/v1/cases/" + caseId
                    + "/images")).header("Content-Type", "image/jpeg")
                    .header("Authorization", "Bearer " + logins.person(Set.of("scanner"), List.of(hospital)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(generator.generate(smear.seed(), smear.category(), site).jpegBytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("ingest refused a demo image: " + accepted.statusCode() + " " + accepted.body());
            }
            caseIds.add(caseId);
        }
        for (int i = 0; i < smears.size(); i++) {
            String path = "/api/v1/cases/" + caseIds.get(i);
            Instant deadline = Instant.now().plusSeconds(180);
            while (!json.readTree(get(path, cytopathologist(hospital))).at("/images/0").hasNonNull("prediction")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no prediction on record for " + caseIds.get(i));
                }
                Thread.sleep(200);
            }
            post(path + "/diagnoses", json.createObjectNode().put("bethesdaCategory", smears.get(i).category().name())
                    .put("comment", "demo: the synthetic truth").toString(), cytopathologist(hospital), 201);
        }
    }

    private String cytopathologist(String hospital) {
        return logins.person(Set.of("cytopathologist"), List.of(hospital));
    }

    /** audit-service's metrics of each version at the test hospitals, and the goal: the site B gap halved, site A kept. */
    private void printComparison(String live, String released) throws Exception {
        double liveA = metrics(TEST_A, live).get("macroF1").asDouble();
        double liveB = metrics(TEST_B, live).get("macroF1").asDouble();
        double newA = metrics(TEST_A, released).get("macroF1").asDouble();
        double newB = metrics(TEST_B, released).get("macroF1").asDouble();
        out.println("   model                          site A macro-F1   site B macro-F1   gap (A - B)");
        out.printf("   %-30s %15.3f   %15.3f   %11.3f%n", live + " (live before)", liveA, liveB, liveA - liveB);
        out.printf("   %-30s %15.3f   %15.3f   %11.3f%n", released + " (released)", newA, newB, newA - newB);
        boolean halved = newA - newB <= (liveA - liveB) / 2;
        boolean kept = Math.abs(newA - liveA) <= 0.01;
        out.printf("   goal: the gap at least halved (%s: %.3f -> %.3f) and site A within 0.01 of the live model (%s: %+.3f)%n",
                halved ? "met" : "NOT met", liveA - liveB, newA - newB, kept ? "met" : "NOT met", newA - liveA);
    }

    private JsonNode metrics(String hospital, String version) throws Exception {
        return json.readTree(get("/api/v1/audit/metrics?hospital=" + hospital + "&model=" + MODEL + "&version=" + version, auditor(hospital)))
                .get("metrics");
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
