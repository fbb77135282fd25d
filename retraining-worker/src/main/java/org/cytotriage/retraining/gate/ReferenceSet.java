package org.cytotriage.retraining.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * The plan's locked synthetic reference set: the generator's version, the site and the seed fix every
 * image and lesion mask, so every gate under the plan judges on the same images (their sha256 is in
 * each report). Every group equally, the indeterminate cases cycling through Bethesda I, III, IV and V.
 * The gate generates it as it goes; {@link #write} lays it out as a dataset for training/ (the
 * candidate's site A figures in its card, which audit-service's drift reference reads).
 */
public final class ReferenceSet {

    /** One case of the set: its seed and category. */
    public record Entry(long seed, BethesdaCategory category) {
    }

    private final ChangePlan.Reference spec;
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    public ReferenceSet(ChangePlan.Reference spec) {
        if (!SyntheticCytologyGenerator.VERSION.equals(spec.generator())) {
            throw new IllegalStateException("the plan's reference set is " + spec.generator() + ", this worker generates "
                    + SyntheticCytologyGenerator.VERSION + ": a new generator needs a new plan");
        }
        this.spec = spec;
    }

    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(spec.seed());
        BethesdaCategory[] indeterminate = {BethesdaCategory.I, BethesdaCategory.III, BethesdaCategory.IV, BethesdaCategory.V};
        for (int i = 0; i < spec.casesPerGroup(); i++) {
            for (BethesdaCategory category : List.of(BethesdaCategory.II, indeterminate[i % indeterminate.length], BethesdaCategory.VI)) {
                entries.add(new Entry(seeds.nextLong(), category));
            }
        }
        return entries;
    }

    public SyntheticCase generate(Entry entry) {
        return generator.generate(entry.seed(), entry.category(), Site.parse(spec.site()));
    }

    /** The set as a dataset (labels.csv, images/, masks/; split "test"), written once into {@code directory} and reused after. */
    public Path write(Path directory) {
        Path labels = directory.resolve("labels.csv");
        if (Files.exists(labels)) {
            return directory;
        }
        try {
            Files.createDirectories(directory.resolve("images"));
            Files.createDirectories(directory.resolve("masks"));
            Path partial = directory.resolve("labels.csv.partial");
            try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                out.write("file,split,bethesda,group,site,seed,mask\n");
                int i = 0;
                for (Entry entry : entries()) {
                    SyntheticCase smear = generate(entry);
                    String image = String.format("images/reference-%04d.jpg", i);
                    String mask = String.format("masks/reference-%04d.png", i++);
                    Files.write(directory.resolve(image), smear.jpegBytes());
                    Files.write(directory.resolve(mask), smear.maskPngBytes());
                    out.write(String.join(",", image, "test", entry.category().name(), entry.category().group().name(), spec.site(),
                            Long.toString(entry.seed()), mask) + "\n");
                }
            }
            // Complete or absent: a worker stopped half way writes it again.
            Files.move(partial, labels);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reference set into " + directory, e);
        }
    }
}
