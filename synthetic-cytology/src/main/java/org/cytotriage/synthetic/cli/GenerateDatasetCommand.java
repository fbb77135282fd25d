package org.cytotriage.synthetic.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.cytotriage.synthetic.dataset.DatasetSpec;
import org.cytotriage.synthetic.dataset.DatasetSummary;
import org.cytotriage.synthetic.dataset.DatasetWriter;
import org.cytotriage.synthetic.dataset.OutputFormat;
import org.cytotriage.synthetic.dataset.Split;
import org.cytotriage.synthetic.dataset.SplitFractions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Writes a synthetic thyroid FNAB dataset (images, masks, labels.csv, dataset.json). */
@Command(name = "generate-dataset", mixinStandardHelpOptions = true, version = SyntheticCytologyGenerator.VERSION,
        description = "Writes a synthetic thyroid FNAB cytology dataset. SYNTHETIC data, NOT FOR CLINICAL USE.")
public final class GenerateDatasetCommand implements Callable<Integer> {

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--out", required = true, description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--count", defaultValue = "300", description = "Number of cases (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Dataset seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--site", defaultValue = "A", description = "Site whose stain and camera to imitate: A or B "
            + "(default: ${DEFAULT-VALUE}).")
    String site;

    @Option(names = "--format", defaultValue = "png", description = "jpeg, png or both (default: png).")
    OutputFormat format;

    @Option(names = "--split", defaultValue = "0.7,0.15,0.15",
            description = "Train,validation,test fractions (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the split shuffle "
            + "(default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--threads", description = "Worker threads (default: number of cores).")
    Integer threads;

    @Option(names = "--class-overlap", defaultValue = "1.0", description = "Spread of each category's atypia; "
            + "higher is harder (default: ${DEFAULT-VALUE}).")
    double classOverlap;

    @Option(names = "--stain-jitter", defaultValue = "1.0", description = "Per-case stain variation within the site "
            + "(default: ${DEFAULT-VALUE}).")
    double stainJitter;

    @Option(names = "--cellularity", defaultValue = "1.0", description = "Scale of the number of cell groups "
            + "(default: ${DEFAULT-VALUE}).")
    double cellularity;

    @Option(names = "--camera-noise", defaultValue = "3.0", description = "Camera noise, grey levels "
            + "(default: ${DEFAULT-VALUE}).")
    double cameraNoise;

    @Override
    public Integer call() throws Exception {
        DatasetSpec spec = spec();
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        DatasetSummary summary = new DatasetWriter(workers).write(spec, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: wrote %d cases to %s in %.1f s (train %d, val %d, test %d)%n",
                SyntheticCytologyGenerator.VERSION, count, out, seconds, summary.count(Split.TRAIN),
                summary.count(Split.VALIDATION), summary.count(Split.TEST));
        return 0;
    }

    /** The options as a spec; a bad value is reported like any other usage error (exit code 2). */
    private DatasetSpec spec() {
        try {
            return new DatasetSpec(count, seed, Site.parse(site), format, SplitFractions.parse(split), splitSeed,
                    new GeneratorSettings(classOverlap, stainJitter, cellularity, cameraNoise));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandSpec.commandLine(), e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new GenerateDatasetCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
