package org.cytotriage.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.localstack.LocalStack;
import org.cytotriage.localstack.ServiceLauncher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fault drills (docs/drills.md): the whole stack under a steady stream of synthetic images through
 * ingest's HTTP API; one drill at a time, a steady period, the fault, the restart, more load, then a
 * bounded wait until every accepted image is recorded complete (prediction and explanation in
 * audit-service's database) or dead-lettered. Prints a table row per drill. SYNTHETIC images only,
 * NOT FOR CLINICAL USE.
 */
@Command(name = "run-drills", mixinStandardHelpOptions = true,
        description = "Kills and restarts each service and server (and pauses the broker) under a steady stream of synthetic images, "
                + "and counts accepted, recorded, dead-lettered, lost and recorded twice. NOT FOR CLINICAL USE.")
public final class FaultDrills implements Callable<Integer> {

    private static final List<String> SERVICES = List.of("ingest-service", "inference-service", "explain-service", "audit-service");
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
    /** After everything settled: redeliveries still on their way would show up as duplicates in this time. */
    private static final Duration QUIET = Duration.ofSeconds(5);

    @Option(names = "--rate", defaultValue = "4", description = "images per second sent to ingest (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--drill", split = ",", defaultValue = "all",
            description = "all, or some of: ingest, inference, explain, audit, broker, registry, postgres, broker-pause (default ${DEFAULT-VALUE})")
    List<String> drills;

    @Option(names = "--seconds", defaultValue = "20",
            description = "each phase under load: steady before the fault, and again after the restart (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--down-seconds", defaultValue = "5", description = "how long a killed part stays down before it is started again "
            + "(default ${DEFAULT-VALUE})")
    int downSeconds;

    @Option(names = "--pause-seconds", defaultValue = "50", description = "how long the broker stays frozen in broker-pause; longer than the "
            + "consumers' session timeouts (inference 10 s, explain and audit Kafka's default 45 s) (default ${DEFAULT-VALUE})")
    int pauseSeconds;

    @Option(names = "--settle-seconds", defaultValue = "180",
            description = "bound on the wait, after the load stops, for every accepted image to settle (default ${DEFAULT-VALUE})")
    int settleSeconds;

    @Option(names = "--warm-up", defaultValue = "40", description = "images sent and recorded before the first drill, not counted "
            + "(default ${DEFAULT-VALUE})")
    int warmUp;

    @Option(names = "--out", defaultValue = "fault-drills/target/drills.md", description = "the report, as markdown (default ${DEFAULT-VALUE})")
    Path out;

    private final Report report = new Report();
    private final String run = "drill" + Long.toString(Instant.now().getEpochSecond(), 36);
    private LoadGenerator.Images images;
    private LocalStack stack;
    private TopicWatch watch;
    private AuditDatabase audit;
    /** How many stacks this run has started; a drill that leaves one unhealthy gets a fresh one. */
    private int stacks;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultDrills()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Drill> chosen = Drill.parse(drills);
        report.line("# Fault drills, %s", LocalDate.now());
        report.line("");
        report.line("`./run-drills %s`", commandLine());
        report.line("");
        report.line("%d cores (%s), %.1f GiB memory, Java %s. %.1f images/s through ingest's HTTP API (generated smears, SYNTHETIC, "
                + "NOT FOR CLINICAL USE, one case each); per drill %d s steady, the fault, %d s down (broker-pause: %d s frozen), "
                + "the restart, %d s more, then up to %d s for every accepted image to settle. Case ids `%s-<n><drill>-<i>`.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), memoryGiB(), System.getProperty("java.version"),
                rate, seconds, downSeconds, pauseSeconds, seconds, settleSeconds, run);
        report.line("");
        report.line("Load average %s at the start (the machine's other work shares these cores).", loadAverage());
        images = LoadGenerator.Images.generate(12);
        List<DrillResult> results = new ArrayList<>();
        Map<String, List<String>> details = new LinkedHashMap<>();
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeStack, "drills-shutdown"));
        // The drills' own progress lines are in the report; the processes' logs are kept per stack.
        try {
            startStack();
            for (int i = 0; i < chosen.size(); i++) {
                Drill drill = chosen.get(i);
                List<String> extraNotes = new ArrayList<>();
                String unhealthy = awaitHealthy();
                if (unhealthy != null) {
                    Report.progress("Not healthy before drill %s (%s): starting a fresh stack", drill.id, unhealthy);
                    extraNotes.add("on a fresh stack (before it: " + unhealthy + ")");
                    closeStack();
                    startStack();
                }
                List<String> lines = new ArrayList<>();
                DrillResult result = drill(drill, run + "-" + (i + 1) + drill.id + "-", extraNotes, lines);
                results.add(result);
                details.put(drill.id, lines);
                Report.progress("%s%n%s%n%s", DrillResult.HEADER, DrillResult.RULE, result.row());
            }
        } finally {
            closeStack();
        }
        report.line("");
        report.line(DrillResult.HEADER);
        report.line(DrillResult.RULE);
        results.forEach(result -> report.line(result.row()));
        report.line("");
        report.line("Faults: %s.", chosen.stream().map(d -> "**" + d.id + "**: " + d.fault).collect(Collectors.joining("; ")));
        report.line("");
        report.line("Accepted: a 2xx receipt from ingest. Refused: a 5xx answer; no answer: the connection was refused or broke, or "
                + "no answer came in 45 s (neither counts as accepted, and the stream goes on). Recorded complete: a prediction and an "
                + "explanation in audit-service's database. Dead-lettered: named by a DeadLetter on fnab.deadletter. Lost: accepted, "
                + "neither complete nor dead-lettered at the end of the wait. Recorded twice: more than one prediction, or more than "
                + "one explanation, for one image and model in audit's database. Duplicates on topics: images with more than one "
                + "distinct event on fnab.images / fnab.predictions / fnab.explanations (at-least-once delivery allows them; audit "
                + "must absorb them). p50 latency: upload to complete record, images sent before the fault. Time to recover: from "
                + "the fault until the first image sent after it is recorded complete. Backlog drained: from the fault until the "
                + "last image accepted before the part was back is recorded complete.");
        details.forEach((drill, lines) -> {
            if (!lines.isEmpty()) {
                report.line("");
                report.line("%s:", drill);
                lines.forEach(line -> report.line("- %s", line));
            }
        });
        report.write(out);
        boolean passed = results.stream().allMatch(DrillResult::passed);
        System.out.println(passed ? "Every drill: 0 lost, 0 recorded twice." : "At least one drill lost an image or recorded one twice.");
        return passed ? 0 : 1;
    }

    private DrillResult drill(Drill drill, String prefix, List<String> notes, List<String> details) throws Exception {
        Report.progress("%n== drill %s: %s", drill.id, drill.fault);
        Instant fault;
        Instant restored;
        try (LoadGenerator load = new LoadGenerator(stack.url("ingest-service"), scanner(stack), prefix, rate, images)) {
            Thread.sleep(seconds * 1000L);
            fault = Instant.now();
            String load1 = loadAverage();
            drill.inject(stack);
            Report.progress("  %s: %s (%d uploads sent so far)", time(fault), drill.isPause() ? "paused" : "killed", load.sent());
            Thread.sleep((drill.isPause() ? pauseSeconds : downSeconds) * 1000L);
            Instant restarting = Instant.now();
            for (int attempt = 1; attempt <= 2; attempt++) {
                try {
                    drill.restore(stack);
                    break;
                } catch (RuntimeException e) {
                    // On a machine this busy a server can miss its bound to readiness; it is started once more.
                    notes.add((attempt == 1 ? "first restart failed: " : "second restart failed: ") + firstLine(e.getMessage()));
                    Report.progress("  restart failed: %s", e);
                }
            }
            restored = Instant.now();
            if (drill.isPause()) {
                notes.add(String.format(Locale.ROOT, "frozen %.1f s", seconds(Duration.between(fault, restored))));
            } else {
                notes.add(String.format(Locale.ROOT, "down %.1f s, ready again %.1f s after the restart", seconds(Duration.between(fault,
                        restarting)), seconds(Duration.between(restarting, restored))));
            }
            notes.add("load average " + load1 + " at the fault");
            Report.progress("  %s: back (%d uploads sent so far)", time(restored), load.sent());
            Thread.sleep(seconds * 1000L);
            List<Upload> uploads = load.stop();
            if (load.receiptMismatches() > 0) {
                notes.add(load.receiptMismatches() + " receipts with an unexpected image id");
            }
            Report.progress("  %s: load stopped, %d sent, %d accepted", time(Instant.now()), uploads.size(),
                    uploads.stream().filter(Upload::accepted).count());
            return settle(drill, prefix, uploads, fault, restored, notes, details);
        }
    }

    /** Waits, bounded, until every accepted image is complete or dead-lettered; then a quiet period for late duplicates. */
    private DrillResult settle(Drill drill, String prefix, List<Upload> uploads, Instant fault, Instant restored, List<String> notes,
            List<String> details) throws InterruptedException {
        Set<String> imageIds = uploads.stream().map(Upload::imageId).collect(Collectors.toSet());
        int unreadableBefore = watch.unreadable();
        Instant start = Instant.now();
        Instant deadline = start.plusSeconds(settleSeconds);
        AuditSnapshot recorded = AuditSnapshot.empty();
        DrillAccount account;
        Instant lastProgress = start;
        while (true) {
            recorded = audit.read(prefix).orElse(recorded);
            account = DrillAccount.of(uploads, recorded, watch.snapshot(prefix, imageIds));
            if (account.settled() || Instant.now().isAfter(deadline)) {
                break;
            }
            if (Duration.between(lastProgress, Instant.now()).toSeconds() >= 10) {
                lastProgress = Instant.now();
                Report.progress("  settling: %d of %d accepted recorded complete, %d dead-lettered, %d left", account.complete().size(),
                        account.accepted().size(), account.deadLettered().size(), account.unsettled().size());
            }
            Thread.sleep(1000);
        }
        boolean settled = account.settled();
        Duration waited = Duration.between(start, Instant.now());
        Thread.sleep(QUIET.toMillis());
        recorded = audit.read(prefix).orElse(recorded);
        TopicSnapshot topics = watch.snapshot(prefix, imageIds);
        account = DrillAccount.of(uploads, recorded, topics);
        if (watch.unreadable() > unreadableBefore) {
            notes.add((watch.unreadable() - unreadableBefore) + " records on the topics unreadable by a consumer through the registry");
        }
        Set<String> lost = account.unsettled();
        Map<String, Upload> byImage = uploads.stream().collect(Collectors.toMap(Upload::imageId, u -> u, (a, b) -> a));
        lost.stream().limit(10).forEach(imageId -> details.add(String.format(Locale.ROOT, "lost: case %s, image %s, sent %s, answered %d",
                byImage.get(imageId).caseId(), imageId, time(byImage.get(imageId).sentAt()), byImage.get(imageId).status())));
        account.recordedTwice().stream().limit(10).forEach(imageId -> details.add("recorded twice: case " + byImage.get(imageId).caseId()
                + ", image " + imageId));
        topics.deadLetters().stream().collect(Collectors.groupingBy(letter -> letter.service() + ": " + letter.reason(), LinkedHashMap::new,
                Collectors.counting())).forEach((reason, n) -> details.add(n + " dead letter(s) from " + reason));
        errorStatuses(uploads).forEach(details::add);
        return DrillResult.of(drill.id, account, new DrillResult.Timeline(fault, restored, settled, waited), notes);
    }

    /** The distinct refusals ingest answered with, and the errors of unanswered uploads, counted. */
    private static List<String> errorStatuses(List<Upload> uploads) {
        Map<String, Long> counted = uploads.stream().filter(upload -> !upload.accepted())
                .collect(Collectors.groupingBy(upload -> (upload.status() == Upload.NO_ANSWER ? "no answer" : "HTTP " + upload.status()) + ": "
                        + (upload.error() == null ? "" : upload.error().replaceAll("Error id [0-9a-f-]+", "Error id ...")), LinkedHashMap::new,
                        Collectors.counting()));
        return counted.entrySet().stream().map(e -> e.getValue() + " upload(s) " + e.getKey()).toList();
    }

    /** On a busy machine a service can miss its 120 s to readiness; the stack is then started afresh, up to three times. */
    private void startStack() throws Exception {
        for (int attempt = 1;; attempt++) {
            Report.progress("Starting Kafka, the registry, PostgreSQL and the four services...");
            try {
                stack = LocalStack.start(LocalStack.Layout.everything(false));
                stacks++;
                break;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                Report.progress("The stack did not start (%s); again", e.getMessage());
            }
        }
        Report.progress("Up in %.1f s", seconds(stack.startupTime()));
        watch = new TopicWatch(stack.infrastructure(), run);
        audit = new AuditDatabase(stack.infrastructure().postgres());
        warmUp();
    }

    /** A few images through the whole path first, so that the first drill does not measure the JIT and the first model batch. */
    private void warmUp() throws Exception {
        String prefix = run + "-0warmup" + Instant.now().getEpochSecond() % 1000 + "-";
        List<Upload> uploads;
        try (LoadGenerator load = new LoadGenerator(stack.url("ingest-service"), scanner(stack), prefix, rate, images)) {
            Thread.sleep(Math.round(warmUp / rate * 1000));
            uploads = load.stop();
        }
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            DrillAccount account = DrillAccount.of(uploads, audit.read(prefix).orElse(AuditSnapshot.empty()), TopicSnapshot.empty());
            if (!account.accepted().isEmpty() && account.settled()) {
                Report.progress("Warm-up: %d images recorded complete", account.complete().size());
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the warm-up images were not all recorded within 120 s");
    }

    /** Null when every service is ready and the broker runs; otherwise what is not. */
    private String awaitHealthy() throws InterruptedException {
        Instant deadline = Instant.now().plus(HEALTHY_WITHIN);
        String unhealthy;
        do {
            List<String> down = new ArrayList<>();
            for (String service : SERVICES) {
                if (!stack.processes(service).stream().allMatch(ServiceLauncher::isReady)) {
                    down.add(service + " not ready");
                }
            }
            if (!stack.infrastructure().kafka().isRunning()) {
                down.add("broker not running");
            }
            if (!registryReady()) {
                down.add("registry not ready");
            }
            if (audit.read("-").isEmpty()) {
                down.add("PostgreSQL unreachable");
            }
            unhealthy = down.isEmpty() ? null : String.join(", ", down);
            if (unhealthy == null) {
                return null;
            }
            Thread.sleep(1000);
        } while (Instant.now().isBefore(deadline));
        return unhealthy + " after " + HEALTHY_WITHIN.toSeconds() + " s";
    }

    private boolean registryReady() {
        String health = stack.infrastructure().registry().apiUrl().replaceFirst("/apis/registry/v2$", "/health/ready");
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(health))
                    .timeout(Duration.ofSeconds(3)).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The servers' and services' logs, copied out of the stack's work directory before it is removed. */
    private void keepLogs() {
        Path from = stack.infrastructure().workDirectory();
        Path to = ProjectLayout.locate().root().resolve("fault-drills/target/drill-logs").resolve(run).resolve("stack-" + stacks);
        try (Stream<Path> files = Files.walk(from)) {
            // Kafka's segment files end in .log too: only the processes' own logs, not what lies in data directories.
            for (Path log : files.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)
                    && !from.relativize(p).toString().contains("data")).toList()) {
                Path target = to.resolve(from.relativize(log).toString().replace('/', '_'));
                Files.createDirectories(to);
                Files.copy(log, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Report.progress("Logs kept in %s", to);
        } catch (IOException e) {
            Report.progress("Could not keep the logs: %s", e);
        }
    }

    private synchronized void closeStack() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (stack != null) {
            keepLogs();
            stack.close();
            stack = null;
        }
    }

    private String commandLine() {
        List<String> args = new ArrayList<>();
        args.add("--rate " + rate);
        args.add("--drill " + String.join(",", drills));
        args.add("--seconds " + seconds);
        args.add("--down-seconds " + downSeconds);
        args.add("--pause-seconds " + pauseSeconds);
        args.add("--settle-seconds " + settleSeconds);
        return String.join(" ", args);
    }

    /** The machine's 1-minute load average (other work on the same cores shows here), or "?". */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException unknown) {
            return "?";
        }
    }

    private static double memoryGiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(0) / 1024.0 / 1024.0;
        } catch (IOException | RuntimeException unknown) {
            return Double.NaN;
        }
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** A time of day (UTC) in the progress lines and details. */
    private static String time(Instant instant) {
        return CLOCK.format(instant);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** The drill hospital's scanner, a person of the stack's realm with the scanner role (tokens kept until near expiry). */
    private static java.util.function.Supplier<String> scanner(LocalStack stack) {
        return () -> stack.logins().person(java.util.Set.of("scanner"), java.util.List.of(LoadGenerator.HOSPITAL));
    }
}
