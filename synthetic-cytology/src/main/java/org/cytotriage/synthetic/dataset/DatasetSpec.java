package org.cytotriage.synthetic.dataset;

import java.util.Objects;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.Site;

/**
 * Everything that determines a generated dataset; two runs with equal specs write identical files.
 *
 * @param count number of cases
 * @param seed drives the order of categories and every case's own seed
 * @param site the site whose stain and camera every image shows
 * @param format how images are encoded
 * @param split train/validation/test proportions, applied within each Bethesda category
 * @param splitSeed shuffles cases into splits; fixed (42 by default, as in ThyroidEffi) so the
 *        split does not move when other options change
 * @param settings generator settings (difficulty)
 */
public record DatasetSpec(int count, long seed, Site site, OutputFormat format, SplitFractions split, long splitSeed,
        GeneratorSettings settings) {

    public static final long DEFAULT_SPLIT_SEED = 42;

    public DatasetSpec {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(settings, "settings");
    }
}
