package org.cytotriage.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.TileActivationMaps;
import org.cytotriage.infra.ProjectLayout;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.GradCam;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.gradcam.OverlayRenderer;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.cytotriage.model.run.SessionSettings;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints, for the shipped models on generated images with known lesion masks: how well Grad-CAM
 * localises the diagnostic cells (pointing game, energy in the mask, a faithfulness check), each
 * against a map without information; what an explanation costs per image when inference ships the
 * maps against running the model again; and explanations per second against predictions per second.
 * Synthetic images only, NOT FOR CLINICAL USE.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Measures Grad-CAM localisation, the cost of an explanation, and whether explain keeps up.")
public final class ExplainBenchmark implements Callable<Integer> {

    @Option(names = "--models", split = ",", defaultValue = "basic,premium", description = "basic and/or premium")
    List<String> models;

    @Option(names = "--cases", defaultValue = "40", description = "generated cases per treatment group")
    int cases;

    @Option(names = "--out", defaultValue = "benchmarks/target/explain-benchmark.md", description = "the report, as markdown")
    Path out;

    /** explain-service's default {@code cytotriage.explain.overlay-width}. */
    static final int OVERLAY_WIDTH = 640;

    private final int cores = Runtime.getRuntime().availableProcessors();
    private final Report report = new Report();

    /** Indeterminate cases cycle through III, IV and V: I has no diagnostic cells to point at. */
    private static final BethesdaCategory[][] CATEGORIES = {{BethesdaCategory.II},
            {BethesdaCategory.III, BethesdaCategory.IV, BethesdaCategory.V}, {BethesdaCategory.VI}};

    @Override
    public Integer call() throws Exception {
        report.line("# Explain benchmark, %s", LocalDate.now());
        report.line("");
        report.line("%d cores (%s), Java %s; %d generated cases per treatment group (%s, seeds from 700000), NOT FOR CLINICAL USE.",
                cores, System.getProperty("os.arch"), System.getProperty("java.version"), cases,
                SyntheticCytologyGenerator.VERSION);
        List<SyntheticCase> generated = generate();
        for (String name : models) {
            measure(name.equals("premium") ? ShippedModels.PREMIUM : ShippedModels.BASIC, generated);
        }
        if (models.contains("premium")) {
            tileEvidence();
        }
        report.write(out);
        return 0;
    }

    private List<SyntheticCase> generate() {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        List<SyntheticCase> generated = new ArrayList<>();
        for (int group = 0; group < 3; group++) {
            for (int i = 0; i < cases; i++) {
                BethesdaCategory[] categories = CATEGORIES[group];
                generated.add(generator.generate(700_000L + group * 10_000L + i, categories[i % categories.length]));
            }
        }
        return generated;
    }

    private void measure(String model, List<SyntheticCase> generated) throws Exception {
        Path directory = ProjectLayout.locate().root().resolve("models").resolve(model);
        report.line("");
        report.line("## %s", model);
        try (LoadedModel loaded = LoadedModel.load(directory, SessionSettings.threads(cores))) {
            localisation(loaded, generated);
            cost(loaded, generated.subList(0, Math.min(24, generated.size())));
        }
        keepsUp(directory, generated);
    }

    /** What Premium's tile encoder sees in each tile: where Indeterminate evidence comes from. */
    private void tileEvidence() {
        Path models = ProjectLayout.locate().root().resolve("models");
        report.line("");
        report.line("## Where the evidence for each group lies, tile by tile");
        try (LoadedModel encoder = LoadedModel.load(models.resolve(ShippedModels.BASIC), SessionSettings.threads(cores))) {
            TileEvidence.report(report, encoder, ModelCard.read(models.resolve(ShippedModels.PREMIUM)).preprocessing().views(),
                    Math.max(4, cases / 4));
        }
    }

    /**
     * The true group's map of every case, against its mask; then where the heat lies by tile, and
     * where the Malignant map points on the same cases.
     */
    private void localisation(LoadedModel model, List<SyntheticCase> generated) {
        Random random = new Random(2026);
        ModelCard.Views views = model.card().preprocessing().views();
        List<String> tileRows = new ArrayList<>();
        report.line("");
        report.line("| Bethesda category, true group (map of that group) | cases | pointing game | random point | energy in mask | flat map "
                + "| probability drop, hottest 10 %% blurred | random 10 %% blurred | pointing game, against the other two "
                + "| energy in mask, against the other two |");
        report.line("|---|---|---|---|---|---|---|---|---|---|");
        for (BethesdaCategory category : List.of(BethesdaCategory.II, BethesdaCategory.III, BethesdaCategory.IV,
                BethesdaCategory.V, BethesdaCategory.VI)) {
            TreatmentGroup group = category.group();
            int n = 0;
            double hits = 0;
            double randomHits = 0;
            double energy = 0;
            double share = 0;
            double drop = 0;
            double randomDrop = 0;
            double contrastHits = 0;
            double contrastEnergy = 0;
            double malignantHits = 0;
            double hottestTileHits = 0;
            double lesionTiles = 0;
            for (SyntheticCase c : generated) {
                if (c.category() != category) {
                    continue;
                }
                BufferedImage image = ImageDecoder.decode(c.jpegBytes());
                ModelOutput output = run(model, image);
                Heatmap heatmap = heatmap(model.card(), output, group);
                n++;
                hits += Localisation.pointingHit(heatmap, c.mask()) ? 1 : 0;
                randomHits += Localisation.randomPointingRate(c.mask(), random, 400);
                energy += Localisation.energyInMask(heatmap, c.mask());
                Heatmap contrast = contrastiveHeatmap(model.card(), output, group);
                contrastHits += Localisation.pointingHit(contrast, c.mask()) ? 1 : 0;
                contrastEnergy += Localisation.energyInMask(contrast, c.mask());
                malignantHits += Localisation.pointingHit(heatmap(model.card(), output, TreatmentGroup.MALIGNANT), c.mask()) ? 1 : 0;
                if (views != null) {
                    hottestTileHits += Localisation.hottestTileHoldsLesion(output, group.ordinal(), views, c.mask()) ? 1 : 0;
                    lesionTiles += Localisation.shareOfTilesHoldingLesion(views, c.mask());
                }
                share += Localisation.maskShare(c.mask());
                double p = probability(model, output, group);
                drop += p - probability(model, run(model, Localisation.blurred(image, heatmap, Localisation.hottestCells(heatmap))), group);
                randomDrop += p - probability(model, run(model,
                        Localisation.blurred(image, heatmap, Localisation.randomCells(heatmap, random))), group);
            }
            report.line("| %s, %s | %d | **%.2f** | %.2f | %.2f | %.2f | %.3f | %.3f | %.2f | %.2f |", category, group, n, hits / n,
                    randomHits / n, energy / n, share / n, drop / n, randomDrop / n, contrastHits / n, contrastEnergy / n);
            tileRows.add(String.format(Locale.ROOT, "| %s, %s | %d | %.2f | %.2f | %s | %s |", category, group, n, hits / n,
                    malignantHits / n, views == null ? "-" : String.format(Locale.ROOT, "%.2f", hottestTileHits / n),
                    views == null ? "-" : String.format(Locale.ROOT, "%.2f", lesionTiles / n)));
        }
        report.line("");
        report.line("| Bethesda category, true group | cases | pointing game, map of the true group | pointing game, Malignant map "
                + "| tile with the most heat of the true group's map holds lesion cells | share of tiles holding lesion cells (chance) |");
        report.line("|---|---|---|---|---|---|");
        tileRows.forEach(row -> report.line("%s", row));
    }

    /**
     * CPU per explanation, one image at a time: from the maps in the event (the stream) against
     * decoding and running the model again (explanations on request), both drawing the overlay.
     */
    private void cost(LoadedModel model, List<SyntheticCase> sample) {
        List<byte[]> jpegs = sample.stream().map(SyntheticCase::jpegBytes).toList();
        List<ModelOutput> outputs = jpegs.stream().map(jpeg -> run(model, ImageDecoder.decode(jpeg))).toList();
        explainFromMaps(model.card(), jpegs, outputs); // warm-up
        double fromMaps = cpuMillisPerImage(() -> explainFromMaps(model.card(), jpegs, outputs), jpegs.size());
        int repeats = 1000; // microseconds each: repeated to be measurable
        double heatmapOnly = cpuMillisPerImage(() -> {
            for (int r = 0; r < repeats; r++) {
                outputs.forEach(o -> heatmap(model.card(), o, TreatmentGroup.MALIGNANT));
            }
        }, jpegs.size() * repeats);
        double rerun = cpuMillisPerImage(() -> jpegs.forEach(jpeg -> {
            BufferedImage image = ImageDecoder.decode(jpeg);
            OverlayRenderer.png(image, heatmap(model.card(), run(model, image), TreatmentGroup.MALIGNANT), "benchmark", OVERLAY_WIDTH);
        }), jpegs.size());
        report.line("");
        report.line("| one explanation (predicted class, overlay drawn and encoded) | CPU ms per image |");
        report.line("|---|---|");
        report.line("| Grad-CAM from the maps in PredictionMade, alone | %.4f |", heatmapOnly);
        report.line("| from the maps: decode the image, Grad-CAM, overlay PNG (what explain-service does) | %.1f |", fromMaps);
        report.line("| running the model again: decode, model, Grad-CAM, overlay PNG | %.1f |", rerun);
        report.line("");
        report.line("- PredictionMade with the maps: %s", eventSizes(model.card(), outputs.get(0)));
    }

    /** Explanations per second from the maps on all cores, against the bare prediction pipeline. */
    private void keepsUp(Path directory, List<SyntheticCase> generated) throws Exception {
        List<byte[]> jpegs = generated.stream().map(SyntheticCase::jpegBytes).toList();
        double predictions;
        List<ModelOutput> outputs;
        try (LoadedModel model = LoadedModel.load(directory, SessionSettings.threads(1))) {
            predictions = BarePipeline.imagesPerSecond(model, jpegs, 4, cores, cores);
            outputs = jpegs.stream().map(jpeg -> run(model, ImageDecoder.decode(jpeg))).toList();
        }
        ModelCard card = ModelCard.read(directory);
        ExecutorService threads = Executors.newFixedThreadPool(cores);
        try {
            explainInParallel(threads, card, jpegs, outputs);
            long start = System.nanoTime();
            explainInParallel(threads, card, jpegs, outputs);
            double explanations = jpegs.size() / ((System.nanoTime() - start) / 1e9);
            report.line("- keeps up: %.1f explanations/s from the maps against %.1f predictions/s (bare pipeline), "
                    + "both on all %d cores: **%.1fx**", explanations, predictions, cores, explanations / predictions);
        } finally {
            threads.shutdown();
        }
    }

    private void explainInParallel(ExecutorService threads, ModelCard card, List<byte[]> jpegs, List<ModelOutput> outputs)
            throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < cores; t++) {
            int first = t;
            running.add(threads.submit(() -> {
                for (int i = first; i < jpegs.size(); i += cores) {
                    explainFromMaps(card, List.of(jpegs.get(i)), List.of(outputs.get(i)));
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
    }

    private static void explainFromMaps(ModelCard card, List<byte[]> jpegs, List<ModelOutput> outputs) {
        for (int i = 0; i < jpegs.size(); i++) {
            OverlayRenderer.png(ImageDecoder.decode(jpegs.get(i)), heatmap(card, outputs.get(i), TreatmentGroup.MALIGNANT),
                    "benchmark", OVERLAY_WIDTH);
        }
    }

    private static ModelOutput run(LoadedModel model, BufferedImage image) {
        return model.run(List.of(ModelInputs.of(image, model.card()))).get(0);
    }

    private static double probability(LoadedModel model, ModelOutput output, TreatmentGroup group) {
        return output.probabilities(model.card().calibration().temperature())[group.ordinal()];
    }

    /** The class's Grad-CAM over the whole image, as explain-service computes it. */
    static Heatmap heatmap(ModelCard card, ModelOutput output, TreatmentGroup group) {
        return GradCam.ofClass(output, group.ordinal(), card.preprocessing().views());
    }

    /**
     * Grad-CAM of the group's logit minus the mean of the other two (the maps are linear in the
     * features, so this is Grad-CAM of that logit difference): evidence for this group rather than
     * the others, measured beside plain Grad-CAM, not shown to users.
     */
    static Heatmap contrastiveHeatmap(ModelCard card, ModelOutput output, TreatmentGroup group) {
        float[][] maps = new float[output.activationMaps().length][];
        int k = group.ordinal();
        for (int view = 0; view < maps.length; view++) {
            float[][] byClass = output.activationMaps()[view];
            maps[view] = new float[byClass[k].length];
            for (int i = 0; i < maps[view].length; i++) {
                maps[view][i] = byClass[k][i] - (byClass[(k + 1) % 3][i] + byClass[(k + 2) % 3][i]) / 2;
            }
        }
        return GradCam.ofViews(maps, output.mapRows(), output.mapCols(), card.preprocessing().views());
    }

    private static double cpuMillisPerImage(Runnable work, int images) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = os.getProcessCpuTime();
        work.run();
        return (os.getProcessCpuTime() - before) / 1e6 / images;
    }

    /** Avro bytes of a PredictionMade: without maps, with the whole view's, with the tiles' too. */
    private static String eventSizes(ModelCard card, ModelOutput output) {
        PredictionMade bare = PredictionMade.newBuilder().setEventId("00000000-0000-0000-0000-000000000000")
                .setImageId("00000000-0000-0000-0000-000000000000").setCaseId("CASE-2026-000001").setHospitalId("HOSP-01")
                .setPredictedAt(Instant.EPOCH).setImage(ImageRef.newBuilder().setKey("sha256/00/" + "0".repeat(64))
                        .setSha256("0".repeat(64)).setMediaType("image/jpeg").setSizeBytes(160_000).setWidth(1024)
                        .setHeight(768).build())
                .setModel(ModelRef.newBuilder().setName(card.name()).setVersion(card.version()).setSha256(card.sha256()).build())
                .setPredictedGroup(org.cytotriage.events.v1.TreatmentGroup.MALIGNANT)
                .setProbabilities(new ClassProbabilities(0.1, 0.2, 0.7)).setTemperature(1.0).setFlaggedForReview(false)
                .setInferenceMillis(10).build();
        int without = bytes(bare);
        bare.setActivationMaps(maps(output, 0));
        int whole = bytes(bare);
        if (output.activationMaps().length == 1) {
            return String.format(Locale.ROOT, "%d bytes without maps, %d with the whole view's 3x%dx%d", without, whole,
                    output.mapRows(), output.mapCols());
        }
        List<ActivationMaps> tiles = new ArrayList<>();
        for (int view = 1; view < output.activationMaps().length; view++) {
            tiles.add(maps(output, view));
        }
        ModelCard.Views v = card.preprocessing().views();
        bare.setTileActivationMaps(TileActivationMaps.newBuilder().setCanvasWidth(v.canvasWidth()).setCanvasHeight(v.canvasHeight())
                .setTileSize(v.tile()).setRows(v.rows()).setColumns(v.columns()).setTiles(tiles).build());
        return String.format(Locale.ROOT, "%d bytes without maps, %d with the whole view's 3x%dx%d, %d with the %d tiles' too",
                without, whole, output.mapRows(), output.mapCols(), bytes(bare), tiles.size());
    }

    private static ActivationMaps maps(ModelOutput output, int view) {
        float[][] byClass = output.activationMaps()[view];
        return ActivationMaps.newBuilder().setRows(output.mapRows()).setCols(output.mapCols())
                .setBenign(FloatArrays.toList(byClass[0])).setIndeterminate(FloatArrays.toList(byClass[1]))
                .setMalignant(FloatArrays.toList(byClass[2])).build();
    }

    private static int bytes(PredictionMade event) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<>(PredictionMade.class).write(event, encoder);
            encoder.flush();
            return bytes.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
