package org.cytotriage.synthetic.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * Writes a dataset directory:
 * <pre>
 * images/case-000000.png|.jpg   the smear photographs
 * masks/case-000000.png         1-bit lesion masks, white = diagnostic cells
 * labels.csv                    file,split,bethesda,group,site,seed,mask
 * dataset.json                  manifest: generator version, seeds, settings, counts per split
 * </pre>
 * Cases are drawn in parallel, but each file depends only on its planned case, and the CSV and
 * manifest are written from the plan, so the output is identical for any number of threads.
 */
public final class DatasetWriter {

    public static final String LABELS_HEADER = "file,split,bethesda,group,site,seed,mask";

    private final int threads;

    /** @param threads worker threads drawing cases (at least 1) */
    public DatasetWriter(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
    }

    public DatasetSummary write(DatasetSpec spec, Path directory) throws IOException {
        DatasetSummary summary = new DatasetSummary(spec, DatasetPlan.of(spec));
        Files.createDirectories(directory.resolve("images"));
        Files.createDirectories(directory.resolve("masks"));
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator(spec.settings());
        drawAll(summary, generator, directory);
        Files.writeString(directory.resolve("labels.csv"), labels(summary), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("dataset.json"), DatasetManifest.render(summary), StandardCharsets.UTF_8);
        return summary;
    }

    private void drawAll(DatasetSummary summary, SyntheticCytologyGenerator generator, Path directory)
            throws IOException {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            List<PlannedCase> cases = summary.cases();
            pool.submit(() -> cases.parallelStream().forEach(c -> drawOne(summary, generator, directory, c))).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IllegalStateException("drawing the dataset failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while drawing the dataset", e);
        } finally {
            pool.shutdown();
        }
    }

    private static void drawOne(DatasetSummary summary, SyntheticCytologyGenerator generator, Path directory,
            PlannedCase planned) {
        SyntheticCase generated = generator.generate(planned.seed(), planned.category(), summary.spec().site());
        OutputFormat format = summary.spec().format();
        try {
            if (format.writesPng()) {
                Files.write(directory.resolve("images").resolve(planned.stem() + ".png"), generated.pngBytes());
            }
            if (format.writesJpeg()) {
                Files.write(directory.resolve("images").resolve(planned.stem() + ".jpg"), generated.jpegBytes());
            }
            Files.write(directory.resolve(summary.maskFile(planned)), generated.maskPngBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String labels(DatasetSummary summary) {
        StringBuilder csv = new StringBuilder(LABELS_HEADER).append('\n');
        for (PlannedCase c : summary.cases()) {
            csv.append(summary.imageFile(c)).append(',')
                    .append(c.split().label()).append(',')
                    .append(c.category().name()).append(',')
                    .append(c.category().group().name()).append(',')
                    .append(summary.spec().site().code()).append(',')
                    .append(c.seed()).append(',')
                    .append(summary.maskFile(c)).append('\n');
        }
        return csv.toString();
    }
}
