package org.cytotriage.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.DoubleStream;

import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.localstack.LocalStack;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.SessionSettings;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints, in one run on this machine, for the shipped Basic and Premium models: bare ONNX Runtime
 * throughput by batch size (and under other session settings), the bare in-process pipeline, and
 * the end-to-end path through ingest, Kafka and inference at low load and at saturation, with the
 * per-core rate against the ThyroidEffi paper's 2.8 cases/s/core. Synthetic images only.
 */
@Command(name = "inference", mixinStandardHelpOptions = true,
        description = "Measures inference throughput and latency, bare and end to end.")
public final class InferenceBenchmark implements Callable<Integer> {

    /** The paper: 1,000 cases in 30 s on a 12-core laptop CPU. */
    static final double PAPER_CASES_PER_SECOND_PER_CORE = 1000.0 / 30 / 12;

    private record Plan(String model, int batchSize, int pipelineImages, int lowLoad, int saturation) {
    }

    @Mixin
    ModelLoads loads;

    @Option(names = "--seconds", defaultValue = "5", description = "seconds per bare ONNX Runtime measurement")
    double seconds;

    @Option(names = "--warm-up-seconds", defaultValue = "120", description = "how long the services run at saturation "
            + "before the measured rounds: their JIT compilers are still compiling after thousands of images")
    int warmUpSeconds;

    @Option(names = "--out", defaultValue = "benchmarks/target/inference-benchmark.md", description = "the report, as markdown")
    Path out;

    @Option(names = "--inference-cpus", description = "binds inference-service to these CPUs (a taskset list); start "
            + "this benchmark on the other CPUs (taskset), so the load generator, ingest and the broker stay off them")
    String inferenceCpus;

    private final int cores = Runtime.getRuntime().availableProcessors();
    private final Report report = new Report();

    @Override
    public Integer call() throws Exception {
        BenchmarkImages images = BenchmarkImages.generate(64);
        line("# Inference benchmark, %s", LocalDate.now());
        line("");
        line("%d cores (%s), Java %s, %s; %d distinct synthetic 1024x768 JPEGs (%.0f KB on average), NOT FOR CLINICAL USE.",
                cores, System.getProperty("os.arch"), System.getProperty("java.version"), "ONNX Runtime 1.23.2",
                images.jpegs().size(), images.meanKilobytes());
        if (inferenceCpus != null) {
            line("");
            line("Isolated: inference-service alone on CPU %s; this benchmark (bare measurements, load generator, "
                    + "listener), the broker, the registry and ingest-service on the other %d.", inferenceCpus, cores);
        }
        for (String name : loads.models) {
            Plan plan = name.equals("premium")
                    ? new Plan(ShippedModels.PREMIUM, 2, loads.scaled(48), loads.scaled(12), loads.scaled(60))
                    : new Plan(ShippedModels.BASIC, 4, loads.scaled(320), loads.scaled(40), loads.scaled(800));
            measure(plan, images);
        }
        report.write(out);
        return 0;
    }

    /**
     * What the assessability gate (features out of ONNX Runtime, pooled; the image measures; the
     * out-of-distribution score) adds per image: the sequential pipeline with and without it, in
     * alternating pairs, so that both halves of a pair see the machine alike.
     */
    private void gateCost(Path directory, LoadedModel gated, BenchmarkImages images, int count) {
        List<Double> ratios = new ArrayList<>();
        double with = 0;
        double without = 0;
        try (LoadedModel ungated = LoadedModel.loadWithoutGate(directory, SessionSettings.threads(cores))) {
            for (int pair = 0; pair < 3; pair++) {
                without = BarePipeline.sequentialImagesPerSecond(ungated, images.stream(count));
                with = BarePipeline.sequentialImagesPerSecond(gated, images.stream(count));
                ratios.add(with / without);
            }
        }
        line("");
        line("| assessability gate, one thread in turn, batch 1 | images/s |");
        line("|---|---|");
        line("| without the gate (last pair) | %.1f |", without);
        line("| with the gate (last pair) | %.1f |", with);
        line("| with / without, median of 3 pairs | %.3f |", median(ratios.stream().mapToDouble(Double::doubleValue)));
    }

    private void measure(Plan plan, BenchmarkImages images) throws Exception {
        int rounds = loads.rounds();
        Path directory = ProjectLayout.locate().root().resolve("models").resolve(plan.model());
        line("");
        line("## %s", plan.model());
        double sequential;
        try (LoadedModel model = LoadedModel.load(directory, SessionSettings.threads(cores))) {
            var inputs = BareModel.inputs(model, images, 16);
            line("");
            line("| ONNX Runtime alone, %d intra-op threads | images/s |", cores);
            line("|---|---|");
            for (int batch : new int[] {1, 4, 8, 16}) {
                line("| batch %d | %.1f |", batch, BareModel.imagesPerSecond(model, inputs, batch, seconds));
            }
            if (plan.model().equals(ShippedModels.BASIC)) {
                sessionSettings(directory, inputs);
            }
            sequential = BarePipeline.sequentialImagesPerSecond(model, images.stream(Math.min(32, plan.pipelineImages())));
            gateCost(directory, model, images, Math.min(32, plan.pipelineImages()));
        }
        line("");
        line("| in-process pipeline: decode + preprocess + ONNX Runtime | images/s |");
        line("|---|---|");
        line("| one thread in turn, batch 1 (baseline) | %.1f |", sequential);

        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service")
                .withEnvironment("MODEL_DIR", directory.toString())
                .withEnvironment("CYTOTRIAGE_INFERENCE_BATCH_SIZE", String.valueOf(plan.batchSize()));
        if (inferenceCpus != null) {
            layout = layout.withCpus("inference-service", inferenceCpus);
        }
        EndToEnd.Load low;
        int warmUpImages;
        List<Round> measured = new ArrayList<>();
        List<CpuLedger.Usage> loadCpu = new ArrayList<>();
        List<CpuLedger.Usage> bareCpu = new ArrayList<>();
        Duration settled = Duration.ZERO;
        String stages;
        // The service's own set-up: single-threaded runs, as many at once as there are cores. Each
        // round measures the bare pipeline right before the end-to-end load, so both see the machine
        // alike: on this shared machine either figure moves by 10-15 % between runs minutes apart.
        try (LocalStack stack = LocalStack.start(layout); EndToEnd e2e = new EndToEnd(stack);
                LoadedModel model = LoadedModel.load(directory, SessionSettings.threads(1))) {
            e2e.lowLoad(images, 4); // first requests pay for JIT and connections
            low = e2e.lowLoad(images, plan.lowLoad());
            warmUpImages = e2e.warmUp(images, plan.saturation(), Duration.ofSeconds(warmUpSeconds));
            for (int round = 0; round < rounds; round++) {
                // The stack stays up meanwhile: what it still does after a load (JIT compilers finishing
                // their queues, the broker's housekeeping) would take CPU from the bare pipeline, so the
                // round waits for it to settle and measures what is left.
                settled = settled.plus(CpuLedger.awaitQuietStack(Duration.ofSeconds(1), 0.05, Duration.ofSeconds(15)));
                CpuLedger bareLedger = new CpuLedger();
                double bare = BarePipeline.imagesPerSecond(model, images.stream(plan.pipelineImages()), plan.batchSize(),
                        cores, cores);
                bareCpu.add(bareLedger.usage());
                CpuLedger ledger = new CpuLedger();
                EndToEnd.Load saturated = e2e.saturation(images, plan.saturation());
                loadCpu.add(ledger.usage());
                measured.add(new Round(bare, saturated));
            }
            stages = e2e.inferenceStages();
        }
        double bare = median(measured.stream().mapToDouble(Round::bare));
        EndToEnd.Load saturated = EndToEnd.Load.combined(measured.stream().map(Round::saturated).toList(),
                median(measured.stream().mapToDouble(round -> round.saturated().imagesPerSecond())));
        CpuLedger.Usage cpu = loadCpu.stream().reduce(CpuLedger.Usage::plus).orElseThrow();
        CpuLedger.Usage idleStack = bareCpu.stream().reduce(CpuLedger.Usage::plus).orElseThrow();
        line("| overlapped as in the service (%d callers, %d preparing threads, %d single-threaded runs at once), batch %d: "
                + "**bare pipeline**, median of the rounds below | %.1f (%.2fx) |", BarePipeline.CALLERS, cores, cores,
                plan.batchSize(), bare, bare / sequential);
        line("");
        line("After %d images at saturation (%d s) to warm the services up, %d rounds, each the bare pipeline "
                + "(%d images) and right after it the end-to-end saturation load (%d images):", warmUpImages, warmUpSeconds,
                rounds, plan.pipelineImages(), plan.saturation());
        line("");
        line("| round | bare pipeline, images/s | end to end at saturation, images/s | end to end / bare |");
        line("|---|---|---|---|");
        for (int i = 0; i < measured.size(); i++) {
            Round round = measured.get(i);
            line("| %d | %.1f | %.1f | %.0f %% |", i + 1, round.bare(), round.saturated().imagesPerSecond(), 100 * round.ratio());
        }
        double ratio = median(measured.stream().mapToDouble(Round::ratio));
        line("");
        line("| end to end: POST -> ingest -> Kafka -> inference -> PredictionMade | images | images/s | p50 ms | p95 ms | p99 ms |");
        line("|---|---|---|---|---|---|");
        row("low load (one image in flight)", low);
        row("saturation (4 concurrent senders), all rounds; images/s the median", saturated);
        // isolated, inference-service has as many CPUs as this process (taskset lists of equal size)
        double perCore = saturated.imagesPerSecond() / cores;
        line("");
        line("%s", CpuLedger.header(CpuLedger.machineCpus()));
        cpu.rows().forEach(row -> line("%s", row));
        line("");
        line("- %s", stages);
        line("- end-to-end throughput / bare pipeline, median of the rounds: **%.0f %%** (goal: at least 90 %%)", 100 * ratio);
        line("- while the bare pipeline ran, the idle stack (services, broker, registry) used %.1f CPU s: at most %.1f %% "
                + "of the bare pipeline's CPU time (%d CPU%s over %.0f s)", idleStack.startedProcessesSeconds(),
                100 * idleStack.startedProcessesSeconds() / (idleStack.wallSeconds() * cores), cores, cores == 1 ? "" : "s",
                idleStack.wallSeconds());
        line("- before each bare round the stack was given up to 15 s to settle (under 5 %% of a CPU over a second): %.1f s "
                + "in all", settled.toMillis() / 1000.0);
        // on one core overlapping cannot pay, and one thread in turn may be the faster way: the ratio against it too
        double fastest = Math.max(bare, sequential);
        line("- end-to-end throughput / the faster in-process pipeline (%.1f images/s): **%.0f %%**", fastest,
                100 * saturated.imagesPerSecond() / fastest);
        // the same ratio per CPU-second: what the service makes of the CPU it gets beside ingest and the broker
        double servicePerCpuSecond = saturated.images() / cpu.secondsOf(CpuLedger.INFERENCE);
        line("- images per CPU-second: inference-service %.1f, bare pipeline %.1f: **%.0f %%**", servicePerCpuSecond,
                bare / cores, 100 * servicePerCpuSecond / (bare / cores));
        line("- per core: **%.1f cases/s/core**, %.1fx the paper's %.1f (Basic goal: at least 14, 5x)", perCore,
                perCore / PAPER_CASES_PER_SECOND_PER_CORE, PAPER_CASES_PER_SECOND_PER_CORE);
    }

    /** One measured round: the bare pipeline, then the end-to-end load right after it. */
    private record Round(double bare, EndToEnd.Load saturated) {

        double ratio() {
            return saturated.imagesPerSecond() / bare;
        }
    }

    /** The median; of an even count, the mean of the middle two. */
    static double median(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private void sessionSettings(Path directory, List<float[]> inputs) {
        line("");
        line("| ONNX Runtime session settings, batch 8 | images/s |");
        line("|---|---|");
        List<SessionSettings> variants = List.of(
                SessionSettings.threads(cores),
                new SessionSettings(cores, OptLevel.ALL_OPT, true, true),
                new SessionSettings(cores, OptLevel.ALL_OPT, false, false),
                new SessionSettings(cores, OptLevel.BASIC_OPT, true, false),
                SessionSettings.threads(1));
        for (SessionSettings settings : variants) {
            line("| %d threads, %s, arena %s, spinning %s | %.1f |", settings.intraOpThreads(), settings.optimization(),
                    settings.cpuArena() ? "on" : "off", settings.spinning() ? "on" : "off",
                    BareModel.withSettings(directory, settings, inputs, 8, seconds));
        }
    }

    private void row(String load, EndToEnd.Load measured) {
        line("| %s | %d | %.1f | %.0f | %.0f | %.0f |", load, measured.images(), measured.imagesPerSecond(),
                measured.percentileMillis(50), measured.percentileMillis(95), measured.percentileMillis(99));
    }

    private void line(String format, Object... args) {
        report.line(format, args);
    }
}
