package org.cytotriage.benchmarks;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.localstack.LocalStack;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.SessionSettings;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import picocli.CommandLine.Command;
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

    @Option(names = "--models", split = ",", defaultValue = "basic,premium", description = "basic and/or premium")
    List<String> models;

    @Option(names = "--seconds", defaultValue = "5", description = "seconds per bare ONNX Runtime measurement")
    double seconds;

    @Option(names = "--scale", defaultValue = "1", description = "multiplies the image counts (0.2 for a quick look)")
    double scale;

    @Option(names = "--warm-up", defaultValue = "0.5", description = "images sent at saturation before the measured "
            + "ones, as a share of them: the services' JIT compilers take a good share of the cores for the first hundreds")
    double warmUp;

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
        for (String name : models) {
            Plan plan = name.equals("premium")
                    ? new Plan(ShippedModels.PREMIUM, 2, scaled(48), scaled(12), scaled(60))
                    : new Plan(ShippedModels.BASIC, 4, scaled(320), scaled(40), scaled(800));
            measure(plan, images);
        }
        report.write(out);
        return 0;
    }

    private void measure(Plan plan, BenchmarkImages images) throws Exception {
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
        }
        // the service's own set-up: single-threaded runs, as many at once as there are cores
        double bare;
        try (LoadedModel model = LoadedModel.load(directory, SessionSettings.threads(1))) {
            bare = BarePipeline.imagesPerSecond(model, images.stream(plan.pipelineImages()), plan.batchSize(), cores, cores);
        }
        line("");
        line("| in-process pipeline: decode + preprocess + ONNX Runtime | images/s |");
        line("|---|---|");
        line("| one thread in turn, batch 1 (baseline) | %.1f |", sequential);
        line("| overlapped as in the service (%d callers, %d preparing threads, %d single-threaded runs at once), batch %d: "
                + "**bare pipeline** | %.1f (%.2fx) |", BarePipeline.CALLERS, cores, cores, plan.batchSize(), bare, bare / sequential);

        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service")
                .withEnvironment("MODEL_DIR", directory.toString())
                .withEnvironment("CYTOTRIAGE_INFERENCE_BATCH_SIZE", String.valueOf(plan.batchSize()));
        if (inferenceCpus != null) {
            layout = layout.withCpus("inference-service", inferenceCpus);
        }
        EndToEnd.Load low;
        EndToEnd.Load saturated;
        String stages;
        CpuLedger.Usage cpu;
        try (LocalStack stack = LocalStack.start(layout); EndToEnd e2e = new EndToEnd(stack)) {
            e2e.lowLoad(images, 4); // first requests pay for JIT and connections
            low = e2e.lowLoad(images, plan.lowLoad());
            e2e.saturation(images, Math.max(8, (int) Math.round(plan.saturation() * warmUp)));
            CpuLedger ledger = new CpuLedger();
            saturated = e2e.saturation(images, plan.saturation());
            cpu = ledger.usage();
            stages = e2e.inferenceStages();
        }
        line("");
        line("| end to end: POST -> ingest -> Kafka -> inference -> PredictionMade | images | images/s | p50 ms | p95 ms | p99 ms |");
        line("|---|---|---|---|---|---|");
        row("low load (one image in flight)", low);
        row("saturation (4 concurrent senders)", saturated);
        // isolated, inference-service has as many CPUs as this process (taskset lists of equal size)
        double perCore = saturated.imagesPerSecond() / cores;
        line("");
        line("%s", CpuLedger.header(CpuLedger.machineCpus()));
        cpu.rows().forEach(row -> line("%s", row));
        line("");
        line("- %s", stages);
        line("- end-to-end throughput / bare pipeline: **%.0f %%** (goal: at least 90 %%)", 100 * saturated.imagesPerSecond() / bare);
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

    private int scaled(int count) {
        return Math.max(4, (int) Math.round(count * scale));
    }

    private void line(String format, Object... args) {
        report.line(format, args);
    }
}
