package org.cytotriage.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.localstack.LocalStack;
import org.cytotriage.localstack.ServiceLauncher;
import org.cytotriage.model.reference.ShippedModels;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a hospital waits for: an image posted until it is predicted, explained and on audit-service's
 * record, against the inference-only path (POST to PredictionMade) on the same stack in the same
 * run. Each round measures both at saturation, one right after the other: inference-only with
 * explain-service and audit-service frozen (SIGSTOP: the stack as the inference benchmark runs it,
 * ingest and inference alone on the CPUs), then, once they have caught up, the whole path. The
 * CPU of every process during the whole-path loads says where the time goes. Synthetic images only.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Measures the whole path (POST to predicted, explained and recorded) against inference alone.")
public final class PipelineBenchmark implements Callable<Integer> {

    private static final List<String> FROZEN_FOR_INFERENCE_ONLY = List.of("explain-service", "audit-service");

    private record Plan(String model, int batchSize, int lowLoad, int saturation) {
    }

    /** One round: inference-only at saturation, then the whole path. */
    private record Round(EndToEnd.Load inferenceOnly, EndToEnd.Load wholePath) {

        double ratio() {
            return wholePath.imagesPerSecond() / inferenceOnly.imagesPerSecond();
        }
    }

    @Mixin
    ModelLoads loads;

    @Option(names = "--warm-up-seconds", defaultValue = "60", description = "the whole path at saturation before the rounds")
    int warmUpSeconds;

    @Option(names = "--month", defaultValue = "0", description = "after Basic's rounds, a region's month: this many cases "
            + "(5000) through the whole path, first POST to last record")
    int month;

    @Option(names = "--profile", description = "the services record with Flight Recorder (benchmarks/target/pipeline-profile); "
            + "the report adds where each one's Java CPU went during the rounds")
    boolean profile;

    @Option(names = "--out", defaultValue = "benchmarks/target/pipeline-benchmark.md", description = "the report, as markdown")
    Path out;

    private final Report report = new Report();

    @Override
    public Integer call() throws Exception {
        BenchmarkImages images = BenchmarkImages.generate(64);
        line("# Pipeline benchmark, %s", LocalDate.now());
        line("");
        line("%d CPUs, Java %s; %d distinct synthetic 1024x768 JPEGs (%.0f KB on average), NOT FOR CLINICAL USE. "
                + "ingest, inference, explain and audit as packaged jars (prod profile), one process each, with the broker, "
                + "the registry, PostgreSQL and Keycloak, all on this machine.", CpuLedger.machineCpus(),
                System.getProperty("java.version"), images.jpegs().size(), images.meanKilobytes());
        for (String name : loads.models) {
            Plan plan = name.equals("premium")
                    ? new Plan(ShippedModels.PREMIUM, 2, loads.scaled(12), loads.scaled(60))
                    : new Plan(ShippedModels.BASIC, 4, loads.scaled(40), loads.scaled(800));
            measure(plan, images);
        }
        report.write(out);
        return 0;
    }

    private void measure(Plan plan, BenchmarkImages images) throws Exception {
        int rounds = loads.rounds();
        Path directory = ProjectLayout.locate().root().resolve("models").resolve(plan.model());
        line("");
        line("## %s", plan.model());
        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service", "explain-service", "audit-service")
                .withEnvironment("MODEL_DIR", directory.toString())
                .withEnvironment("CYTOTRIAGE_INFERENCE_BATCH_SIZE", String.valueOf(plan.batchSize()));
        Path recordings = out.toAbsolutePath().resolveSibling("pipeline-profile").resolve(plan.model());
        if (profile) {
            layout = layout.withEnvironment("JAVA_TOOL_OPTIONS", Profiles.recordingOption(recordings));
        }
        Instant roundsBegan = null;
        List<Round> measured = new ArrayList<>();
        EndToEnd.LowLoad low;
        CpuLedger.Usage wholeCpu = null;
        CpuLedger.Usage inferenceCpu = null;
        int warmUpImages = 0;
        EndToEnd.Load regionMonth = null;
        try (LocalStack stack = LocalStack.start(layout); EndToEnd e2e = new EndToEnd(stack);
                AuditRecord record = new AuditRecord(stack.infrastructure().postgres())) {
            CpuLedger.alsoCount(stack.infrastructure().workDirectory().toString());
            e2e.lowLoadRecorded(images, 4, record); // first requests pay for JIT and connections
            low = e2e.lowLoadRecorded(images, plan.lowLoad(), record);
            for (long end = System.nanoTime() + Duration.ofSeconds(warmUpSeconds).toNanos(); System.nanoTime() < end;) {
                warmUpImages += e2e.saturationRecorded(images, plan.saturation(), record).images();
            }
            roundsBegan = Instant.now();
            for (int round = 0; round < rounds; round++) {
                CpuLedger.awaitQuietStack(Duration.ofSeconds(1), 0.05, Duration.ofSeconds(15));
                frozen(stack, true);
                EndToEnd.Load inferenceOnly;
                CpuLedger inferenceLedger = new CpuLedger();
                try {
                    inferenceOnly = e2e.saturation(images, plan.saturation());
                } finally {
                    frozen(stack, false);
                }
                inferenceCpu = plus(inferenceCpu, inferenceLedger.usage());
                // explain and audit catch up on what inference-only left them, unmeasured
                e2e.catchUp(record);
                CpuLedger.awaitQuietStack(Duration.ofSeconds(1), 0.05, Duration.ofSeconds(15));
                CpuLedger wholeLedger = new CpuLedger();
                EndToEnd.Load wholePath = e2e.saturationRecorded(images, plan.saturation(), record);
                wholeCpu = plus(wholeCpu, wholeLedger.usage());
                measured.add(new Round(inferenceOnly, wholePath));
            }
            if (month > 0 && plan.model().equals(ShippedModels.BASIC)) {
                CpuLedger.awaitQuietStack(Duration.ofSeconds(1), 0.05, Duration.ofSeconds(15));
                regionMonth = e2e.saturationRecorded(images, month, record);
            }
        }
        line("");
        line("Warm-up: %d images through the whole path at saturation (%d s). Then %d rounds, each inference-only at saturation "
                + "(%d images; explain-service and audit-service frozen) and right after it, once they had caught up, the whole "
                + "path (%d images).", warmUpImages, warmUpSeconds, rounds, plan.saturation(), plan.saturation());
        line("");
        line("| round | inference-only, images/s | whole path, images/s | whole path / inference-only |");
        line("|---|---|---|---|");
        for (int i = 0; i < measured.size(); i++) {
            Round round = measured.get(i);
            line("| %d | %.1f | %.1f | %.0f %% |", i + 1, round.inferenceOnly().imagesPerSecond(), round.wholePath().imagesPerSecond(),
                    100 * round.ratio());
        }
        EndToEnd.Load inferenceOnly = EndToEnd.Load.combined(measured.stream().map(Round::inferenceOnly).toList(),
                InferenceBenchmark.median(measured.stream().mapToDouble(round -> round.inferenceOnly().imagesPerSecond())));
        EndToEnd.Load wholePath = EndToEnd.Load.combined(measured.stream().map(Round::wholePath).toList(),
                InferenceBenchmark.median(measured.stream().mapToDouble(round -> round.wholePath().imagesPerSecond())));
        line("");
        line("| path | load | images | images/s | p50 ms | p95 ms | p99 ms |");
        line("|---|---|---|---|---|---|---|");
        row("POST -> PredictionMade", "low (one image in flight)", low.predicted());
        row("POST -> predicted, explained, on audit's record", "low (the same images)", low.recorded());
        row("POST -> PredictionMade (explain, audit frozen)", "saturation, 4 senders; images/s the median", inferenceOnly);
        row("POST -> predicted, explained, on audit's record", "saturation, 4 senders; images/s the median", wholePath);
        if (regionMonth != null) {
            row("a region's month: POST -> on audit's record", "saturation, 4 senders", regionMonth);
        }
        line("");
        line("%s", CpuLedger.header(CpuLedger.machineCpus()).replace("CPU during saturation", "CPU during the whole-path rounds"));
        wholeCpu.rows().forEach(row -> line("%s", row));
        line("");
        line("%s", CpuLedger.header(CpuLedger.machineCpus()).replace("CPU during saturation", "CPU during the inference-only rounds"));
        inferenceCpu.rows().forEach(row -> line("%s", row));
        line("");
        line("- whole path / inference-only throughput, median of the rounds: **%.0f %%** (goal: at least 90 %%)",
                100 * InferenceBenchmark.median(measured.stream().mapToDouble(Round::ratio)));
        line("- CPU seconds per image on the whole path: %s", perImage(wholeCpu, measured.stream().mapToInt(r -> r.wholePath().images()).sum()));
        line("- whole path at low load: p95 %.0f ms (goal for Basic: under 300 ms)", low.recorded().percentileMillis(95));
        if (regionMonth != null) {
            line("- a region's month, %d cases: %.0f s from the first POST to the last record (goal: under 90 s)", month,
                    regionMonth.images() / regionMonth.imagesPerSecond());
        }
        if (profile) {
            line("");
            line("Where each service's Java CPU went from the first round on (Flight Recorder execution samples, %s):", recordings);
            Profiles.report(recordings, roundsBegan, 12).forEach(text -> line("%s", text));
        }
    }

    private static String perImage(CpuLedger.Usage usage, int images) {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("ingest-service", CpuLedger.INFERENCE, "explain-service", "audit-service", "Kafka broker",
                "schema registry", "PostgreSQL")) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%s %.1f ms", name,
                    1000 * usage.secondsOf(name) / images));
        }
        return text.toString();
    }

    private static void frozen(LocalStack stack, boolean freeze) {
        for (String service : FROZEN_FOR_INFERENCE_ONLY) {
            for (ServiceLauncher process : stack.processes(service)) {
                if (freeze) {
                    process.pause();
                } else {
                    process.resume();
                }
            }
        }
    }

    private static CpuLedger.Usage plus(CpuLedger.Usage sum, CpuLedger.Usage usage) {
        return sum == null ? usage : sum.plus(usage);
    }

    private void row(String path, String load, EndToEnd.Load measured) {
        line("| %s | %s | %d | %.1f | %.0f | %.0f | %.0f |", path, load, measured.images(), measured.imagesPerSecond(),
                measured.percentileMillis(50), measured.percentileMillis(95), measured.percentileMillis(99));
    }

    private void line(String format, Object... args) {
        report.line(format, args);
    }
}
