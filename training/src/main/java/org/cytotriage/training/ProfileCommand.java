package org.cytotriage.training;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.PipelinedRunner;
import org.cytotriage.model.run.SessionSettings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs an exported model through the Java runtime on a generated dataset's splits and writes what
 * the assessability profile and the conformal thresholds are fitted on ({@code cytotriage_training.profile}):
 * per image its logits and {@code ImageMeasures}, and its pooled whole-image features. The measures
 * and the features come from the code that serves the model, so training fits the very numbers the
 * services will compute. NOT FOR CLINICAL USE: synthetic data only.
 *
 * <p>Writes {@code rows.json} (one entry per image, in order) and {@code features.f32} (little-endian
 * float32, rows x features) into {@code OUT/<the card's model name>}. A dataset is any labels.csv with the
 * columns file, split, bethesda, group and site (a generated dataset's train/val/test, or a retraining
 * dataset's train/val/heldout, whose seed and mask columns may be empty).
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Dump a model's logits, image measures and pooled features on dataset splits.")
public final class ProfileCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "model directories (model.onnx, model-card.json)")
    List<Path> models;

    @Option(names = "--data", required = true, split = ",",
            description = "datasets (labels.csv from synthetic-cytology) as name=dir:split+split, e.g. train=/d/site-a:train+val")
    Map<String, String> data;

    @Option(names = "--limit", defaultValue = "0", description = "at most this many images per dataset and split (0: all)")
    int limit;

    @Option(names = "--threads", defaultValue = "2", description = "ONNX Runtime intra-op threads")
    int threads;

    @Option(names = "--out", required = true, description = "output directory: a folder per model, by its name")
    Path out;

    record Row(String dataset, String file, String split, String bethesda, String group, String site, float[] logits,
            double coverage, double contrast, double focus, double chroma, double redness, double blueness) {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The command in-process (the retraining worker profiles a candidate this way): the same options as
     * {@link #main}, e.g. {@code --model=DIR --data=train=DS:train+val,heldOut=DS:heldout --out=DIR}.
     * A model directory may be named anything (a candidate's is named by its version): the dump
     * folder is named by the card's model name.
     *
     * @return the exit status: 0 when every model was profiled, non-zero (with the reason on stderr) otherwise
     */
    public static int run(String... args) {
        return new CommandLine(new ProfileCommand()).execute(args);
    }

    @Override
    public Integer call() throws IOException {
        for (Path model : models) {
            profile(model);
        }
        return 0;
    }

    private void profile(Path model) throws IOException {
        List<Row> rows = new ArrayList<>();
        Path dump = null;
        try (LoadedModel loaded = LoadedModel.loadForProfiling(model, SessionSettings.threads(threads));
                PipelinedRunner runner = new PipelinedRunner(8, Math.max(1, Runtime.getRuntime().availableProcessors()), 1,
                        PipelinedRunner.Observer.NONE)) {
            dump = Files.createDirectories(out.resolve(loaded.card().name()));
            try (OutputStream features = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dump.resolve("features.f32"))))) {
            for (Map.Entry<String, String> spec : data.entrySet()) {
                int colon = spec.getValue().lastIndexOf(':');
                Path directory = Path.of(spec.getValue().substring(0, colon));
                var dataset = Map.entry(spec.getKey(), directory);
                List<Map<String, String>> cases = selected(readLabels(directory.resolve("labels.csv")),
                        List.of(spec.getValue().substring(colon + 1).split("\\+")));
                long start = System.nanoTime();
                for (PipelinedRunner.Result<Map<String, String>> result : runner.run(cases,
                        c -> ModelInputs.of(ImageDecoder.decode(read(dataset.getValue().resolve(c.get("file")))), loaded.card()),
                        loaded)) {
                    if (!result.succeeded()) {
                        throw new IllegalStateException("cannot run " + result.item().get("file"), result.failure());
                    }
                    Map<String, String> c = result.item();
                    var output = result.output();
                    var measures = output.measures();
                    rows.add(new Row(dataset.getKey(), c.get("file"), c.get("split"), c.get("bethesda"), c.get("group"),
                            c.get("site"), output.logits(), measures.coverage(), measures.contrast(), measures.focus(),
                            measures.chroma(), measures.redness(), measures.blueness()));
                    ByteBuffer bytes = ByteBuffer.allocate(output.pooledFeatures().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(output.pooledFeatures());
                    features.write(bytes.array());
                }
                System.out.printf("profile: %s %s: %d images in %.1f s%n", loaded.card().name(), dataset.getKey(), cases.size(),
                        (System.nanoTime() - start) / 1e9);
            }
            }
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dump.resolve("rows.json").toFile(), rows);
    }

    private List<Map<String, String>> selected(List<Map<String, String>> cases, List<String> splits) {
        List<Map<String, String>> selected = new ArrayList<>();
        for (String split : splits) {
            int taken = 0;
            for (Map<String, String> c : cases) {
                if (c.get("split").equals(split) && (limit == 0 || taken < limit)) {
                    selected.add(c);
                    taken++;
                }
            }
        }
        return selected;
    }

    /** synthetic-cytology's labels.csv: a header, then plain comma-separated values (no quoting). */
    static List<Map<String, String>> readLabels(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> cases = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            Map<String, String> c = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                c.put(header[i], values[i]);
            }
            cases.add(c);
        }
        return cases;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
