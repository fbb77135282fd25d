package org.cytotriage.synthetic.dataset;

import java.util.List;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;

/** What a dataset holds: its spec and every planned case, with counts for the manifest and tests. */
public record DatasetSummary(DatasetSpec spec, List<PlannedCase> cases) {

    public long count(Split split) {
        return cases.stream().filter(c -> c.split() == split).count();
    }

    public long count(Split split, TreatmentGroup group) {
        return cases.stream().filter(c -> c.split() == split && c.category().group() == group).count();
    }

    public long count(Split split, BethesdaCategory category) {
        return cases.stream().filter(c -> c.split() == split && c.category() == category).count();
    }

    /** Path of a case's image relative to the dataset directory, as labels.csv gives it. */
    public String imageFile(PlannedCase c) {
        return "images/" + c.stem() + (spec.format() == OutputFormat.JPEG ? ".jpg" : ".png");
    }

    /** Path of a case's mask relative to the dataset directory. */
    public String maskFile(PlannedCase c) {
        return "masks/" + c.stem() + ".png";
    }
}
