package org.cytotriage.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.cytotriage.core.imagestore.DirectoryImageStore;
import org.cytotriage.infra.PostgresServer;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.localstack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The record at national scale (issue 27, item 3): audit-service's packaged jar in the production
 * profile, its schema made by its own Flyway migrations on the project's real PostgreSQL, filled with
 * {@link NationalRecord}; then every audit API call a person makes, over HTTP with a token the
 * project's Keycloak issued after a sign-in on its login page, one call at a time, p50 and p95 per call.
 * Synthetic figures only, NOT FOR CLINICAL USE.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Fills audit-service's PostgreSQL with a country's record and times every audit API call a person makes.")
public final class RecordBenchmark implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "100000", split = ",",
            description = "images on record (4 per case); several, e.g. 100000,1000000,10000000: each filled and measured in turn, on the same servers")
    List<Long> scales;

    @Option(names = "--hospitals", defaultValue = "200")
    int hospitals;

    @Option(names = "--years", defaultValue = "10")
    int years;

    @Option(names = "--calls", defaultValue = "20", description = "measured calls of each kind, after --warm-up calls")
    int calls;

    @Option(names = "--warm-up", defaultValue = "3")
    int warmUp;

    @Option(names = "--budget-seconds", defaultValue = "90", description = "a kind of call stops after this much time (at least 3 measured)")
    int budgetSeconds;

    @Option(names = "--keep-minutes", defaultValue = "0", description = "keep the database and service up this long afterwards (EXPLAIN by hand)")
    int keepMinutes;

    @Option(names = "--out", defaultValue = "benchmarks/target/record-benchmark.md", description = "the report, as markdown")
    Path out;

    /** The versions of thyroideffi-basic on record, oldest first; the last is the shipped card's. */
    static final List<String> VERSIONS = List.of("1.0.0-synthetic", "1.1.0-synthetic", "1.2.0-synthetic", "1.3.0-synthetic", "1.4.0-synthetic");

    private final Report report = new Report();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final SplittableRandom random = new SplittableRandom(27);
    /** The scale being measured. */
    private long images;
    /** Per call, its p95 at each scale, for the table of p95 against size. */
    private final Map<String, List<Double>> p95s = new java.util.LinkedHashMap<>();

    /** One kind of call: who makes it and what it asks, the i-th time. */
    record Call(String name, String person, String method, IntFunction<String> path) {
    }

    @Override
    public Integer call() throws Exception {
        Path root = ProjectLayout.locate().root();
        JsonNode card = json.readTree(root.resolve("models/thyroideffi-basic/model-card.json").toFile());
        if (!card.path("version").asText().equals(VERSIONS.get(VERSIONS.size() - 1))) {
            throw new IllegalStateException("the shipped card is version " + card.path("version").asText() + ": update VERSIONS");
        }
        List<String> shas = new ArrayList<>(VERSIONS.stream().map(RecordBenchmark::fakeSha).toList());
        shas.set(shas.size() - 1, card.path("sha256").asText());

        report.line("# The record at national scale (synthetic, NOT FOR CLINICAL USE)");
        report.line("");
        report.line("`./run-benchmark record --images %s`: %d hospitals, %d years, %d measured calls of each kind after %d warm-up calls, "
                + "one at a time; %d CPUs, Java %s.", String.join(",", scales.stream().map(String::valueOf).toList()), hospitals, years, calls,
                warmUp, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        report.line("");
        Instant began = Instant.now();
        try (LocalStack stack = LocalStack.start(LocalStack.Layout.only("audit-service"))) {
            report.line("Servers and audit-service (packaged jar, prod profile, Flyway at start) up in %.0f s.",
                    Duration.between(began, Instant.now()).toMillis() / 1000.0);
            DirectoryImageStore store = new DirectoryImageStore(stack.infrastructure().workDirectory().resolve("image-store"));
            byte[] jpeg = Files.readAllBytes(root.resolve("models/reference-images/case-000000.jpg"));
            String imageKey = store.putAcrossHospitals(jpeg);
            String overlayKey = store.putAcrossHospitals(Files.readAllBytes(root.resolve("models/reference-images/case-000001.jpg")));
            PostgresServer postgres = stack.infrastructure().postgres();
            for (int s = 0; s < scales.size(); s++) {
                images = scales.get(s);
                NationalRecord record = new NationalRecord(images, hospitals, years, Instant.now(), VERSIONS, shas, imageKey,
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg)), overlayKey);
                report.line("");
                report.line("## %,d images", images);
                report.line("");
                try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password())) {
                    if (s > 0) {
                        NationalRecord.empty(db);
                    }
                    record.fill(db, report);
                    report.line("");
                    tableSizes(db);
                }
                measure(stack, record);
            }
            report.line("");
            report.line("## p95 ms against table size");
            report.line("");
            report.line("| call | %s |", String.join(" | ", scales.stream().map(n -> String.format(java.util.Locale.ROOT, "%,d images", n)).toList()));
            report.line("|---|%s", "---|".repeat(scales.size()));
            p95s.forEach((call, values) -> report.line("| %s | %s |", call,
                    String.join(" | ", values.stream().map(v -> String.format(java.util.Locale.ROOT, "%.0f", v)).toList())));
            if (keepMinutes > 0) {
                System.out.printf("%nKept up for %d minutes: psql \"%s\" (user %s, password %s); audit-service at %s%n", keepMinutes,
                        postgres.jdbcUrl(), postgres.username(), postgres.password(), stack.url("audit-service"));
                Thread.sleep(Duration.ofMinutes(keepMinutes).toMillis());
            }
        }
        report.write(out);
        return 0;
    }

    private void tableSizes(Connection db) throws Exception {
        report.line("| table | rows | size with indexes |");
        report.line("|---|---|---|");
        try (Statement sql = db.createStatement()) {
            for (String table : List.of("cases", "images", "predictions", "explanations", "diagnoses", "dead_letters")) {
                try (ResultSet row = sql.executeQuery("select (select count(*) from " + table + "), pg_size_pretty(pg_total_relation_size('"
                        + table + "'))")) {
                    row.next();
                    report.line("| %s | %,d | %s |", table, row.getLong(1), row.getString(2));
                }
            }
        }
    }

    private void measure(LocalStack stack, NationalRecord record) throws Exception {
        List<String> everyHospital = IntStream.rangeClosed(1, hospitals).mapToObj(NationalRecord::hospital).toList();
        String home = NationalRecord.hospital(1);
        Map<String, Set<String>> roles = Map.of("cytopathologist", Set.of("cytopathologist"), "auditor", Set.of("auditor"), "national auditor",
                Set.of("auditor"), "admin", Set.of("admin"));
        Map<String, List<String>> hospitalsOf = Map.of("cytopathologist", List.of(home), "auditor", List.of(home), "national auditor",
                everyHospital, "admin", List.of(home));
        YearMonth lastMonth = YearMonth.from(record.end().atZone(ZoneOffset.UTC)).minusMonths(1);
        int months = years * 12 - 2;
        long homeCases = record.cases() / hospitals;

        List<Call> kinds = new ArrayList<>();
        kinds.add(new Call("worklist, newest 50", "cytopathologist", "GET", i -> "/api/v1/cases?size=50"));
        kinds.add(new Call("worklist, page 20", "cytopathologist", "GET", i -> "/api/v1/cases?size=50&page=20"));
        kinds.add(new Call("worklist, predicted malignant", "cytopathologist", "GET", i -> "/api/v1/cases?size=50&group=MALIGNANT"));
        kinds.add(new Call("worklist, flagged for review", "cytopathologist", "GET", i -> "/api/v1/cases?size=50&flagged=true"));
        kinds.add(new Call("worklist, not diagnosed", "cytopathologist", "GET", i -> "/api/v1/cases?size=50&diagnosed=false"));
        kinds.add(new Call("worklist, diagnosed", "cytopathologist", "GET", i -> "/api/v1/cases?size=50&diagnosed=true"));
        kinds.add(new Call("worklist, one month received", "cytopathologist", "GET", i -> {
            YearMonth month = lastMonth.minusMonths(random.nextInt(months));
            return "/api/v1/cases?size=50&from=" + month.atDay(1) + "&to=" + month.plusMonths(1).atDay(1);
        }));
        kinds.add(new Call("a case", "cytopathologist", "GET", i -> "/api/v1/cases/c" + homeCase(homeCases)));
        kinds.add(new Call("a case's diagnoses", "cytopathologist", "GET", i -> "/api/v1/cases/c" + homeCase(homeCases) + "/diagnoses"));
        kinds.add(new Call("an image's original", "cytopathologist", "GET", i -> "/api/v1/images/i" + explainedImage(homeCases) + "/original"));
        kinds.add(new Call("an image's overlay", "cytopathologist", "GET", i -> "/api/v1/images/i" + explainedImage(homeCases) + "/overlay"));
        kinds.add(new Call("an image's status", "cytopathologist", "GET", i -> "/api/v1/images/i" + explainedImage(homeCases) + "/status"));
        kinds.add(new Call("predictions, newest 50", "cytopathologist", "GET", i -> "/api/v1/predictions?size=50"));
        kinds.add(new Call("metrics, a hospital and a month", "auditor", "GET", i -> {
            YearMonth month = lastMonth.minusMonths(random.nextInt(months));
            return "/api/v1/audit/metrics?hospital=" + home + "&from=" + month.atDay(1) + "&to=" + month.plusMonths(1).atDay(1);
        }));
        kinds.add(new Call("metrics, a model version over a year (every hospital)", "national auditor", "GET", i -> {
            int year = record.end().atZone(ZoneOffset.UTC).getYear() - 1 - random.nextInt(years - 1);
            Instant middle = LocalDate.of(year, 7, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
            return "/api/v1/audit/metrics?model=" + NationalRecord.MODEL + "&version=" + record.versionAt(middle) + "&from=" + year
                    + "-01-01&to=" + (year + 1) + "-01-01";
        }));
        kinds.add(new Call("metrics, a hospital, no dates", "auditor", "GET", i -> "/api/v1/audit/metrics?hospital=" + home));
        kinds.add(new Call("metrics, every hospital, no dates", "national auditor", "GET", i -> "/api/v1/audit/metrics"));
        kinds.add(new Call("drift", "national auditor", "GET", i -> "/api/v1/audit/drift"));
        kinds.add(new Call("drift history, 12 weeks", "national auditor", "GET",
                i -> "/api/v1/audit/drift/history?model=" + NationalRecord.MODEL + "&weeks=12"));
        kinds.add(new Call("drawing a month's sample", "auditor", "POST", i -> "/api/v1/audit/samples/" + lastMonth.minusMonths(i) + "?hospital=" + home));
        kinds.add(new Call("a month's sample report", "auditor", "GET", i -> "/api/v1/audit/samples/" + lastMonth.minusMonths(i % (calls + warmUp))
                + "?hospital=" + home));
        kinds.add(new Call("this month's provisional sample", "auditor", "GET",
                i -> "/api/v1/audit/samples/" + lastMonth.plusMonths(1) + "/provisional?hospital=" + home));
        kinds.add(new Call("dashboard: disagreements", "auditor", "GET", i -> "/api/v1/audit/disagreements?size=50"));
        kinds.add(new Call("dashboard: shift, 12 weeks", "auditor", "GET", i -> "/api/v1/audit/shift?weeks=12"));
        kinds.add(new Call("dashboard: retraining requests", "auditor", "GET", i -> "/api/v1/audit/retraining?size=50"));
        kinds.add(new Call("dashboard: dead letters", "admin", "GET", i -> "/api/v1/deadletters?size=50"));

        report.line("");
        report.line("### Calls");
        report.line("");
        report.line("Cytopathologist and auditor of %s (one of %d hospitals, %,d cases); the national auditor holds all %d hospitals.", home,
                hospitals, homeCases, hospitals);
        report.line("");
        report.line("| call | who | p50 ms | p95 ms | max ms | calls | answers |");
        report.line("|---|---|---|---|---|---|---|");
        String base = stack.url("audit-service");
        for (Call kind : kinds) {
            double[] millis = new double[calls];
            Map<Integer, Integer> statuses = new TreeMap<>();
            Instant kindBegan = Instant.now();
            int measured = 0;
            for (int i = 0; i < warmUp + calls; i++) {
                boolean over = Duration.between(kindBegan, Instant.now()).toSeconds() > budgetSeconds;
                if (over && measured >= 3) {
                    break;
                }
                String token = stack.logins().person(roles.get(kind.person()), hospitalsOf.get(kind.person()));
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + kind.path().apply(i))).timeout(Duration.ofMinutes(5))
                        .header("Authorization", "Bearer " + token).header("Accept", "*/*")
                        .method(kind.method(), HttpRequest.BodyPublishers.noBody()).build();
                long start = System.nanoTime();
                HttpResponse<byte[]> answer;
                try {
                    answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                } catch (java.net.http.HttpTimeoutException e) {
                    statuses.merge(-1, 1, Integer::sum);
                    continue;
                }
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (i >= warmUp || over) {
                    millis[measured++] = elapsed;
                    statuses.merge(answer.statusCode(), 1, Integer::sum);
                    if (answer.statusCode() >= 300 && statuses.get(answer.statusCode()) == 1) {
                        System.out.println("  " + kind.name() + ": HTTP " + answer.statusCode() + " "
                                + new String(answer.body(), 0, Math.min(300, answer.body().length)));
                    }
                }
            }
            double[] taken = Arrays.copyOf(millis, measured);
            Arrays.sort(taken);
            p95s.computeIfAbsent(kind.name(), k -> new ArrayList<>()).add(percentile(taken, 0.95));
            report.line("| %s | %s | %.0f | %.0f | %.0f | %d | %s |", kind.name(), kind.person(), percentile(taken, 0.50),
                    percentile(taken, 0.95), taken.length == 0 ? Double.NaN : taken[taken.length - 1], measured,
                    String.join(", ", statuses.entrySet().stream().map(e -> (e.getKey() < 0 ? "timeout" : "HTTP " + e.getKey()) + " x"
                            + e.getValue()).toList()));
        }
    }

    /** A case of the home hospital (case n is hospital n % hospitals + 1's). */
    private long homeCase(long homeCases) {
        return (long) hospitals * random.nextLong(homeCases);
    }

    /** An image of a home hospital's case that was assessed, hence explained (image m % 50 == 7 is not). */
    private long explainedImage(long homeCases) {
        long image;
        do {
            image = homeCase(homeCases) * NationalRecord.IMAGES_PER_CASE + random.nextInt(NationalRecord.IMAGES_PER_CASE);
        } while (image % 50 == 7 || image >= images);
        return image;
    }

    /** Nearest rank: the smallest value with at least that share of the values at or below it. */
    static double percentile(double[] sorted, double share) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(share * sorted.length) - 1)];
    }

    private static String fakeSha(String version) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(version.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
