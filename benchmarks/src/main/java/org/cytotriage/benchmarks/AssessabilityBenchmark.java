package org.cytotriage.benchmarks;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.SessionSettings;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.ood.NonSmears;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The assessability gate on an out-of-distribution corpus of our own ({@link NonSmears}): per kind of
 * image, the share each shipped model assesses; then the three figures the gate is held to: non-smear
 * images not assessed (goal: all), site A smears assessed (goal: at least 99 %), site B smears assessed.
 * Every image goes through JPEG (PNG where it has alpha) and the decoder, as an upload would. Seeds
 * start above any the models' data used. Synthetic images only, NOT FOR CLINICAL USE.
 */
@Command(name = "assessability", mixinStandardHelpOptions = true,
        description = "Measures the assessability gate on generated non-smears and smears of both sites.")
public final class AssessabilityBenchmark implements Callable<Integer> {

    @Option(names = "--models", split = ",", defaultValue = "basic,premium,mobilenet", description = "basic, premium, mobilenet")
    List<String> models;

    @Option(names = "--per-kind", defaultValue = "20", description = "images of each non-smear kind")
    int perKind;

    @Option(names = "--smears", defaultValue = "200", description = "smears of each site")
    int smears;

    @Option(names = "--out", defaultValue = "benchmarks/target/assessability-benchmark.md", description = "the report, as markdown")
    Path out;

    private static final long FIRST_SEED = 5_000_000L;
    private final Report report = new Report();

    @Override
    public Integer call() throws Exception {
        report.line("# Assessability gate on the out-of-distribution corpus (synthetic, NOT FOR CLINICAL USE)");
        report.line("");
        report.line("%d images of each non-smear kind, %d smears of each site, seeds from %d; `./run-benchmark assessability`.",
                perKind, smears, FIRST_SEED);
        NonSmears corpus = new NonSmears();
        Map<NonSmears.Kind, List<byte[]>> images = new EnumMap<>(NonSmears.Kind.class);
        for (NonSmears.Kind kind : NonSmears.Kind.values()) {
            int count = kind.isSmear() ? smears : perKind;
            List<byte[]> encoded = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                BufferedImage drawn = corpus.draw(kind, FIRST_SEED + i);
                encoded.add(kind == NonSmears.Kind.TRANSPARENT ? ImageEncoding.png(drawn) : ImageEncoding.jpeg(drawn));
            }
            images.put(kind, encoded);
        }
        List<String> summary = new ArrayList<>();
        report.line("");
        report.line("| kind | images | %s |", String.join(" | ", models.stream().map(m -> m + " assessed").toList()));
        report.line("|---|---|%s", "---|".repeat(models.size()));
        Map<String, Map<NonSmears.Kind, double[]>> results = new java.util.LinkedHashMap<>();
        for (String name : models) {
            results.put(name, measure(ProjectLayout.locate().root().resolve("models").resolve(modelName(name)), images));
        }
        for (NonSmears.Kind kind : NonSmears.Kind.values()) {
            List<String> cells = new ArrayList<>();
            for (String name : models) {
                double[] counts = results.get(name).get(kind);
                cells.add(String.format("%.1f %% (mean score %.2f)", 100 * counts[0] / counts[1], counts[2] / counts[1]));
            }
            report.line("| %s | %d | %s |", kind.name().toLowerCase().replace('_', ' '), images.get(kind).size(), String.join(" | ", cells));
        }
        report.line("");
        report.line("| model | non-smears not assessed (goal 100 %%) | site A smears assessed (goal >= 99 %%) | site B smears assessed |");
        report.line("|---|---|---|---|");
        for (String name : models) {
            double notSmears = 0;
            double refused = 0;
            for (NonSmears.Kind kind : NonSmears.Kind.values()) {
                if (!kind.isSmear()) {
                    double[] counts = results.get(name).get(kind);
                    refused += counts[1] - counts[0];
                    notSmears += counts[1];
                }
            }
            double[] a = results.get(name).get(NonSmears.Kind.SMEAR_SITE_A);
            double[] b = results.get(name).get(NonSmears.Kind.SMEAR_SITE_B);
            report.line("| %s | %.1f %% (%d of %d) | %.1f %% (%d of %d) | %.1f %% (%d of %d) |", modelName(name), 100 * refused / notSmears,
                    (int) refused, (int) notSmears, 100 * a[0] / a[1], (int) a[0], (int) a[1], 100 * b[0] / b[1], (int) b[0], (int) b[1]);
        }
        report.write(out);
        return 0;
    }

    /** Per kind: images assessed, images, sum of scores. */
    private static Map<NonSmears.Kind, double[]> measure(Path directory, Map<NonSmears.Kind, List<byte[]>> images) {
        Map<NonSmears.Kind, double[]> counts = new EnumMap<>(NonSmears.Kind.class);
        try (LoadedModel model = LoadedModel.load(directory, SessionSettings.threads(Runtime.getRuntime().availableProcessors()))) {
            images.forEach((kind, encoded) -> {
                double[] c = new double[3];
                for (byte[] bytes : encoded) {
                    Verdict verdict = model.run(List.of(ModelInputs.of(ImageDecoder.decode(bytes), model.card()))).get(0).verdict();
                    c[0] += verdict.assessable() ? 1 : 0;
                    c[1]++;
                    c[2] += verdict.outOfDistribution();
                }
                counts.put(kind, c);
            });
        }
        return counts;
    }

    private static String modelName(String name) {
        return switch (name) {
            case "basic" -> ShippedModels.BASIC;
            case "premium" -> ShippedModels.PREMIUM;
            case "mobilenet" -> ShippedModels.MOBILENET;
            default -> throw new IllegalArgumentException("unknown model " + name + ": basic, premium or mobilenet");
        };
    }
}
